import { Alert, Button, Divider, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { errorLine, toUiError } from '../errors/error-message';
import { ConfirmDialog } from '../history/ConfirmDialog';
import { useTRPC } from '../transport/trpc';
import { McpServerCard } from './McpServerCard';
import { McpServerEditor } from './McpServerEditor';
import type { McpServerFormValues } from './mcp-server-form';
import { PasteServersDialog } from './PasteServersDialog';

/**
 * Settings → Tools (CONTRACT section 11): the MCP servers with their live status, `Add server` by
 * form or `Paste JSON`. Server edits are part of the Settings form (saved with its compare-and-swap
 * write); `Restart` acts at once.
 */
export function ToolsSection({
  servers,
  onChange,
}: {
  servers: McpServerFormValues[];
  onChange: (next: McpServerFormValues[]) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.tools.list.queryOptions());
  // Servers start in the background: their status follows as it changes.
  useSubscription(
    trpc.tools.changes.subscriptionOptions(undefined, {
      onData: (next) => queryClient.setQueryData(trpc.tools.list.queryKey(), next),
    }),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  /** The index of the server being edited, 'new' for `Add server`, null when the editor is closed. */
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [pasting, setPasting] = useState(false);
  const [removing, setRemoving] = useState<number | null>(null);
  const restart = useMutation(
    trpc.tools.restart.mutationOptions({
      onMutate: () => setProblem(null),
      onError: (error) => setProblem(errorLine(toUiError(error))),
      onSuccess: (info) =>
        queryClient.setQueryData(trpc.tools.list.queryKey(), (current) =>
          current?.map((entry) => (entry.server === info.server ? info : entry)),
        ),
    }),
  );

  const names = servers.map((server) => server.name);
  const edited = typeof editing === 'number' ? servers[editing] : undefined;

  return (
    <Stack gap="xs">
      <Divider label="Tools" labelPosition="left" />
      <Text size="sm" c="dimmed">
        MCP servers give models tools. Nothing runs without your approval unless you allow it here. Changes
        apply when you save.
      </Text>
      {servers.length === 0 && (
        <Text size="sm" c="dimmed">
          No MCP servers yet.
        </Text>
      )}
      {servers.map((server, index) => (
        <McpServerCard
          key={server.previousName ?? `new-${server.name}`}
          server={server}
          live={list.data?.find((entry) => entry.server === server.previousName)}
          onChange={(next) => onChange(servers.map((entry, i) => (i === index ? next : entry)))}
          onEdit={() => setEditing(index)}
          onRemove={() => setRemoving(index)}
          onRestart={() => server.previousName && restart.mutate({ server: server.previousName })}
          restarting={restart.isPending && restart.variables?.server === server.previousName}
        />
      ))}
      {list.error && (
        <Text size="sm" c="red" role="alert">
          {errorLine(toUiError(list.error))}
        </Text>
      )}
      {problem && (
        <Alert color="red" variant="light" role="alert" p="xs">
          <Text size="sm">{problem}</Text>
        </Alert>
      )}
      {note && (
        <Text size="xs" c="dimmed" role="status">
          {note}
        </Text>
      )}
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={() => setEditing('new')}>
          Add server
        </Button>
        <Button size="xs" variant="default" onClick={() => setPasting(true)}>
          Paste JSON
        </Button>
      </Group>
      <McpServerEditor
        opened={editing !== null}
        initial={edited ?? null}
        otherNames={names.filter((_, index) => index !== editing)}
        onCancel={() => setEditing(null)}
        onDone={(server) => {
          onChange(
            typeof editing === 'number'
              ? servers.map((entry, index) => (index === editing ? server : entry))
              : [...servers, server],
          );
          setNote(`“${server.name}” is in the form: Save to write it to settings.yaml.`);
          setEditing(null);
        }}
      />
      <PasteServersDialog
        opened={pasting}
        existingNames={names}
        onCancel={() => setPasting(false)}
        onAdd={(added, notes) => {
          onChange([...servers, ...added]);
          setNote(
            [
              `Added ${added.map((server) => `“${server.name}”`).join(', ')}: Save to write ${added.length === 1 ? 'it' : 'them'} to settings.yaml.`,
              ...notes,
            ].join(' '),
          );
          setPasting(false);
        }}
      />
      <ConfirmDialog
        opened={removing !== null}
        title="Remove this server?"
        action="Remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing !== null) onChange(servers.filter((_, index) => index !== removing));
          setRemoving(null);
        }}
      >
        “{removing === null ? '' : servers[removing]?.name}” and its approvals leave settings.yaml when you
        save; its program is stopped.
      </ConfirmDialog>
    </Stack>
  );
}
