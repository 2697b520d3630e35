import { useCallback, useRef, useState } from 'react';

/** What had focus when a dialog opened: the control itself, or the menu button of a menu item. */
function opener(): HTMLElement | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  // A menu closes as its item opens the dialog: the menu's button is what the user comes back to.
  const menu = active.closest('[role="menu"]');
  const menuButton = menu?.id ? document.querySelector<HTMLElement>(`[aria-controls="${menu.id}"]`) : null;
  return menuButton ?? active;
}

/**
 * A dialog's open state that gives focus back to where it came from when it closes. Mantine's own
 * focus return misses the first opening of a lazily loaded dialog (it mounts already open) and an
 * opening from a menu item (gone once the menu closes).
 */
export function useDialog(): [boolean, { open: () => void; close: () => void; toggle: () => void }] {
  const [opened, setOpened] = useState(false);
  const from = useRef<HTMLElement | null>(null);
  const open = useCallback(() => {
    from.current = opener();
    setOpened(true);
  }, []);
  const close = useCallback(() => {
    setOpened(false);
    const target = from.current;
    from.current = null;
    // After the dialog's focus trap lets go; not if the user has already put focus somewhere else.
    setTimeout(() => {
      const active = document.activeElement;
      const lost = active === null || active === document.body || active.closest('[role="dialog"]') !== null;
      if (target?.isConnected && lost) target.focus();
    });
  }, []);
  const toggle = useCallback(() => (opened ? close() : open()), [opened, open, close]);
  return [opened, { open, close, toggle }];
}
