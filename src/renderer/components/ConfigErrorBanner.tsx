import { Alert, Text } from '@mantine/core';
import type { ConfigError } from '../../domain/config-error';

/** "settings.yaml is invalid (line 7): …" until the file is fixed; the last good settings stay in force. */
export function configErrorText(error: ConfigError): string {
  const where =
    error.line === undefined ? '' : ` (line ${error.line}${error.column ? `, column ${error.column}` : ''})`;
  const path = error.path?.length ? ` at ${error.path.join('.')}` : '';
  return `settings.yaml is invalid${where}${path}: ${error.message}`;
}

export function ConfigErrorBanner({ error, path }: { error: ConfigError; path: string | null }) {
  return (
    <Alert color="orange" variant="light" title="Settings file has an error" role="alert" radius={0}>
      <Text size="sm">{configErrorText(error)}</Text>
      <Text size="xs" c="dimmed">
        LightChat keeps running on the last good settings until the file is fixed{path ? ` (${path})` : ''}.
      </Text>
    </Alert>
  );
}
