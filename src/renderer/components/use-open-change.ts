import { useEffect, useRef } from 'react';
import type { OpenConversation } from '../state/open-conversation';
import type { Store } from '../state/store';

/**
 * Calls `onChange` when the window shows another conversation, without rendering the component that
 * asks: read through `useStore`, the id re-rendered the whole window (header, selects, composer,
 * sidebar) in the commit that paints an opened conversation.
 */
export function useOpenConversationChange(open: Store<OpenConversation>, onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    let shown = open.get().id;
    return open.subscribe(() => {
      const id = open.get().id;
      if (id === shown) return;
      shown = id;
      latest.current();
    });
  }, [open]);
}
