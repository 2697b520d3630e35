import { Button, Group, Modal, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useState } from 'react';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';

/** `New chat`: asks first when there is a conversation to lose. Ctrl+Shift+O (Ctrl+N is the browser's). */
export function NewChatButton() {
  const { session, conversation } = useAppState();
  const empty = useStore(conversation, (state) => state.order.length === 0);
  const [confirming, setConfirming] = useState(false);
  const start = () => {
    if (empty) return;
    setConfirming(true);
  };
  useHotkeys([['mod+shift+O', start]], []);
  return (
    <>
      <Button size="xs" variant="default" onClick={start}>
        New chat
      </Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Start a new chat?" centered>
        <Text size="sm">The current conversation will be discarded. LightChat does not keep old chats.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={() => {
              session.clear();
              setConfirming(false);
            }}
            data-autofocus
          >
            Discard
          </Button>
        </Group>
      </Modal>
    </>
  );
}
