import { type RefObject, useEffect } from 'react';
import { useAppState } from '../state/app-state';
import { createStore, useStore } from '../state/store';

const HIGHLIGHT_MS = 2500;
/** Markdown blocks render after the rows: scroll again once they have taken their height. */
const SETTLE_MS = [0, 150, 500];
/** The highlight of a window without history: never set. */
export const noHighlight = createStore<string | null>(null);

/**
 * A search result opened: its message is scrolled into view, focused (so the keyboard continues
 * from there) and briefly outlined.
 */
export function useHighlight(container: RefObject<HTMLElement | null>): void {
  const { workspace, conversation } = useAppState();
  const highlight = workspace?.highlight ?? noHighlight;
  const id = useStore(highlight, (value) => value);
  const shown = useStore(conversation, (state) => id !== null && state.byId[id] !== undefined);
  useEffect(() => {
    if (id === null || !shown) return;
    const element = container.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
    if (!element) return;
    element.focus({ preventScroll: true });
    element.dataset.highlighted = 'true';
    element.style.outline = '2px solid var(--mantine-color-yellow-5)';
    const timers = SETTLE_MS.map((ms) => setTimeout(() => element.scrollIntoView({ block: 'center' }), ms));
    const end = setTimeout(() => highlight.set(null), HIGHLIGHT_MS);
    return () => {
      for (const timer of timers) clearTimeout(timer);
      clearTimeout(end);
      element.style.outline = '';
      delete element.dataset.highlighted;
    };
  }, [id, shown, container, highlight]);
}
