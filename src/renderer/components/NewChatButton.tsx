import { Button } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useState } from 'react';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';

const ConfirmNewChat = lazy(() => import('./ConfirmNewChat'));

/** `New chat`: asks first when there is a conversation to lose. Ctrl+Shift+O (Ctrl+N is the browser's). */
export function NewChatButton() {
  const { session, conversation } = useAppState();
  const empty = useStore(conversation, (state) => state.order.length === 0);
  const [confirming, setConfirming] = useState(false);
  const [used, setUsed] = useState(false);
  const start = () => {
    if (empty) return;
    setUsed(true);
    setConfirming(true);
  };
  useHotkeys([['mod+shift+O', start]], []);
  return (
    <>
      <Button size="xs" variant="default" onClick={start}>
        New chat
      </Button>
      {used && (
        <Suspense fallback={null}>
          <ConfirmNewChat
            opened={confirming}
            onCancel={() => setConfirming(false)}
            onDiscard={() => {
              session.clear();
              setConfirming(false);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
