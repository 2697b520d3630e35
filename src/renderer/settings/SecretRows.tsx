import { Button, CloseButton, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import type { SecretRow } from './mcp-server-form';

/**
 * `env` variables or `headers` as KEY = value rows. Keys are kept exactly as typed; values are
 * secrets: a stored one is never shown, only "set", and left empty it is kept.
 */
export function SecretRows({
  what,
  rows,
  error,
  onChange,
}: {
  /** `Environment variable` or `Header`: the rows' accessible names start with it. */
  what: 'Environment variable' | 'Header';
  rows: SecretRow[];
  error?: string | undefined;
  onChange: (next: SecretRow[]) => void;
}) {
  const set = (index: number, patch: Partial<SecretRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {what === 'Header' ? 'Headers' : 'Environment variables'}
      </Text>
      <Text size="xs" c="dimmed">
        The values are secrets: never shown again, kept out of logs. Leave a stored value empty to keep it.
      </Text>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row's key is what the user is typing
        <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            aria-label={`${what} ${index + 1} name`}
            placeholder={what === 'Header' ? 'Authorization' : 'GITHUB_TOKEN'}
            value={row.key}
            readOnly={row.stored}
            onChange={(event) => set(index, { key: event.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <PasswordInput
            aria-label={`${what} ${index + 1} value`}
            placeholder={row.stored ? 'set (leave empty to keep)' : 'value'}
            value={row.value}
            autoComplete="off"
            onChange={(event) => set(index, { value: event.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <CloseButton
            aria-label={`Remove ${what.toLowerCase()} ${row.key || index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
            mt={4}
          />
        </Group>
      ))}
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
      <Group>
        <Button
          size="xs"
          variant="subtle"
          onClick={() => onChange([...rows, { key: '', value: '', stored: false }])}
        >
          {what === 'Header' ? 'Add header' : 'Add variable'}
        </Button>
      </Group>
    </Stack>
  );
}
