import { useHotkeys } from '@mantine/hooks';
import { lazy, type ReactNode, Suspense, useCallback, useState } from 'react';
import { useAppState } from '../state/app-state';
import { focusMessageBox } from './message-box';

const ConfirmNewChat = lazy(() => import('./ConfirmNewChat'));

/**
 * "New chat", wherever it is asked for (the button, Ctrl+Shift+O, the desktop menu's Cmd/Ctrl+N). A
 * stored conversation stays in the sidebar; one that is not stored (temporary, or history off) is
 * discarded, so that asks first. Render `confirmation` once.
 */
export function useNewChat(): { request: () => void; confirmation: ReactNode } {
  const { turns, conversation, open, workspace } = useAppState();
  const [confirming, setConfirming] = useState(false);
  const [used, setUsed] = useState(false);
  // New chat puts the user in the message box, ready to type.
  const start = useCallback(() => {
    if (workspace) workspace.newChat();
    else turns.clear();
    focusMessageBox();
  }, [workspace, turns]);
  // Read at request time: the window need not re-render whenever the conversation changes.
  const request = useCallback(() => {
    const shown = open.get();
    const stored = shown.id !== null && !shown.temporary;
    if (stored || conversation.get().order.length === 0) {
      start();
      return;
    }
    setUsed(true);
    setConfirming(true);
  }, [conversation, open, start]);
  // Ctrl+N is the browser's own; the desktop menu sends Cmd/Ctrl+N as a menu event.
  useHotkeys([['mod+shift+O', request]], []);
  const confirmation = used && (
    <Suspense fallback={null}>
      <ConfirmNewChat
        opened={confirming}
        onCancel={() => setConfirming(false)}
        onDiscard={() => {
          start();
          setConfirming(false);
        }}
      />
    </Suspense>
  );
  return { request, confirmation };
}
