import '../mantine-later.css';
import { Button, Code, Group, Modal, Text } from '@mantine/core';

/** Asks before following a link whose text says something other than its URL (ExternalLink). */
export default function LinkConfirm({ href, onClose }: { href: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title="Open this link?" centered>
      <Text size="sm">The link's text differs from where it goes:</Text>
      <Code block mt="xs" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
        {href}
      </Code>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose} data-autofocus>
          Cancel
        </Button>
        <Button
          onClick={() => {
            onClose();
            window.open(href, '_blank', 'noopener,noreferrer');
          }}
        >
          Open link
        </Button>
      </Group>
    </Modal>
  );
}
