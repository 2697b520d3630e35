import '../mantine-later.css';
import { Button, Group, Modal, Text } from '@mantine/core';

/** "Start a new chat?": loaded when first needed (Modal is not part of the first paint). */
export default function ConfirmNewChat({
  opened,
  onCancel,
  onDiscard,
}: {
  opened: boolean;
  onCancel: () => void;
  onDiscard: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onCancel} title="Start a new chat?" centered>
      <Text size="sm">This chat is not saved to history: it will be discarded.</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red" onClick={onDiscard} data-autofocus>
          Discard
        </Button>
      </Group>
    </Modal>
  );
}
