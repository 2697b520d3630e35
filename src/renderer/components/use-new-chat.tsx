import { useHotkeys } from '@mantine/hooks';
import { lazy, type ReactNode, Suspense, useCallback, useState } from 'react';
import { useAppState } from '../state/app-state';

const ConfirmNewChat = lazy(() => import('./ConfirmNewChat'));

/**
 * "New chat", wherever it is asked for (the button, Ctrl+Shift+O, the desktop menu's Cmd/Ctrl+N):
 * asks before discarding a non-empty conversation. Render `confirmation` once.
 */
export function useNewChat(): { request: () => void; confirmation: ReactNode } {
  const { turns, conversation } = useAppState();
  const [confirming, setConfirming] = useState(false);
  const [used, setUsed] = useState(false);
  // Read at request time: the window need not re-render whenever the conversation changes.
  const request = useCallback(() => {
    if (conversation.get().order.length === 0) return;
    setUsed(true);
    setConfirming(true);
  }, [conversation]);
  // Ctrl+N is the browser's own; the desktop menu sends Cmd/Ctrl+N as a menu event.
  useHotkeys([['mod+shift+O', request]], []);
  const confirmation = used && (
    <Suspense fallback={null}>
      <ConfirmNewChat
        opened={confirming}
        onCancel={() => setConfirming(false)}
        onDiscard={() => {
          turns.clear();
          setConfirming(false);
        }}
      />
    </Suspense>
  );
  return { request, confirmation };
}
