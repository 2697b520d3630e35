import { Alert, Button, Group, Text } from '@mantine/core';
import type { HttpApiStatus } from '../transport/desktop-api';

/** Shown when the local HTTP API is switched on but could not start (the port is taken, most often). */
export const apiFailed = (status: HttpApiStatus): boolean =>
  status.enabled && !status.running && status.error !== null;

export function ApiPortNotice({
  status,
  onOpenSettings,
  onDismiss,
}: {
  status: HttpApiStatus;
  onOpenSettings: () => void;
  onDismiss: () => void;
}) {
  const port = status.port === null ? '' : ` on port ${status.port}`;
  return (
    <Alert
      color="orange"
      variant="light"
      radius={0}
      py="xs"
      role="alert"
      title={`The local HTTP API could not start${port}`}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
    >
      <Text size="sm">{status.error}</Text>
      <Group gap="sm" mt={4}>
        <Text size="sm">
          This window keeps working. To use the API, choose a free port: change API port (api.port) in
          Settings.
        </Text>
        <Button size="compact-xs" variant="light" color="orange" onClick={onOpenSettings}>
          Open Settings
        </Button>
      </Group>
    </Alert>
  );
}
