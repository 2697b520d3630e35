import {
  Alert,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { mcpServerName } from '../../domain/mcp-settings';
import {
  checkServer,
  dropsStoredSecrets,
  issueText,
  type McpServerFormValues,
  type McpTransport,
  newServerForm,
  type ServerIssue,
} from './mcp-server-form';
import { SecretRows } from './SecretRows';

/** Issues on the fields they name; the rest (about the whole server) above the buttons. */
function byField(issues: ServerIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    fields[issue.field] = fields[issue.field] ? `${fields[issue.field]} ${issue.message}` : issue.message;
  }
  return fields;
}

const FIELDS = new Set(['name', 'command', 'args', 'env', 'url', 'headers']);

/**
 * `Add server` / `Edit server`: a program LightChat starts (command, args — one per line — and
 * environment variables) or a remote server (url, headers). Checked with settings.yaml's own schema
 * before it joins the form; nothing is written until Settings is saved.
 */
export function McpServerEditor({
  opened,
  initial,
  otherNames,
  onCancel,
  onDone,
}: {
  opened: boolean;
  /** The server to edit; null: a new one. */
  initial: McpServerFormValues | null;
  /** The names of the other servers (a name must be unique). */
  otherNames: readonly string[];
  onCancel: () => void;
  onDone: (server: McpServerFormValues) => void;
}) {
  const [form, setForm] = useState<McpServerFormValues>(initial ?? newServerForm());
  const [issues, setIssues] = useState<ServerIssue[]>([]);
  useEffect(() => {
    if (!opened) return;
    setForm(initial ?? newServerForm());
    setIssues([]);
  }, [opened, initial]);

  const set = (patch: Partial<McpServerFormValues>) => setForm((current) => ({ ...current, ...patch }));
  const errors = byField(issues);
  const other = issues.filter((issue) => !FIELDS.has(issue.field));
  const suggested = form.name === '' ? '' : mcpServerName(form.name);
  const submit = () => {
    const found = checkServer(form, otherNames);
    setIssues(found);
    if (found.length === 0) onDone(form);
  };

  return (
    <Modal opened={opened} onClose={onCancel} title={initial ? 'Edit server' : 'Add server'} size="lg">
      <Stack gap="xs">
        <TextInput
          label="Name"
          description={
            suggested && suggested !== form.name
              ? `Lowercase letters, digits, _ and - (e.g. “${suggested}”)`
              : 'Lowercase letters, digits, _ and -'
          }
          placeholder="files"
          value={form.name}
          error={errors.name}
          data-autofocus
          onChange={(event) => set({ name: event.currentTarget.value })}
        />
        <SegmentedControl
          aria-label="Kind of server"
          value={form.transport}
          onChange={(value) => set({ transport: value as McpTransport })}
          data={[
            { value: 'stdio', label: 'Program (stdio)' },
            { value: 'remote', label: 'Remote (URL)' },
          ]}
        />
        {form.transport === 'stdio' ? (
          <>
            <TextInput
              label="Command"
              description="The program LightChat starts, e.g. npx, uvx, node"
              placeholder="npx"
              value={form.command}
              error={errors.command}
              onChange={(event) => set({ command: event.currentTarget.value })}
            />
            <Textarea
              label="Arguments"
              description="One per line"
              placeholder={'-y\n@modelcontextprotocol/server-filesystem\n/home/me/Documents'}
              autosize
              minRows={2}
              value={form.args.join('\n')}
              error={errors.args}
              onChange={(event) =>
                set({ args: event.currentTarget.value === '' ? [] : event.currentTarget.value.split('\n') })
              }
            />
            <SecretRows
              what="Environment variable"
              rows={form.env}
              error={errors.env}
              onChange={(env) => set({ env })}
            />
          </>
        ) : (
          <>
            <TextInput
              label="URL"
              description="A Streamable HTTP server (the older SSE transport is tried when it fails)"
              placeholder="https://example.com/mcp"
              value={form.url}
              error={errors.url}
              onChange={(event) => set({ url: event.currentTarget.value })}
            />
            <SecretRows
              what="Header"
              rows={form.headers}
              error={errors.headers}
              onChange={(headers) => set({ headers })}
            />
          </>
        )}
        {dropsStoredSecrets(form) && (
          <Text size="xs" c="orange">
            The {form.transport === 'stdio' ? 'command' : 'URL'} changed: stored values are not given to
            another program. Type them again, or they are removed when you save.
          </Text>
        )}
        {other.length > 0 && (
          <Alert color="red" variant="light" role="alert" p="xs">
            {other.map((issue) => (
              <Text size="sm" key={issueText(issue)}>
                {issueText(issue)}
              </Text>
            ))}
          </Alert>
        )}
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={submit}>{initial ? 'Apply' : 'Add'}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
