import '../mantine-later.css';
import { Button, Group, Modal, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** "Delete …?": a question, what it means, Cancel and the red action (focused first). */
export function ConfirmDialog({
  opened,
  title,
  children,
  action,
  onCancel,
  onConfirm,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  action: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onCancel} title={title} centered>
      <Text size="sm">{children}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red" onClick={onConfirm} data-autofocus>
          {action}
        </Button>
      </Group>
    </Modal>
  );
}
