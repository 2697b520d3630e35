import {
  Alert,
  Button,
  Code,
  CopyButton,
  Divider,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorLine, toUiError } from '../errors/error-message';
import { ConfirmDialog } from '../history/ConfirmDialog';
import { useTRPC } from '../transport/trpc';
import { gatewaySnippet, KEY_VARIABLE, SNIPPET_KINDS, type SnippetKind } from './gateway-snippets';

function CopyText({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="xs" variant="light" onClick={copy} aria-label={label}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

const when = (iso: string | null) => (iso === null ? 'never' : new Date(iso).toLocaleString());

/**
 * Settings → OpenAI-compatible gateway (CONTRACT section 13): the base URL, the gateway keys (a new key
 * is shown this once, with `Copy`; `Revoke` asks first) and snippets to copy for other tools.
 * `baseUrl` is null when this window has no HTTP API to point tools at.
 */
export function GatewaySection({
  baseUrl,
  enabled,
  model,
}: {
  baseUrl: string | null;
  enabled: boolean;
  model: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.gatewayKeys.list.queryOptions());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [kind, setKind] = useState<SnippetKind>('Python');
  const refresh = () => void queryClient.invalidateQueries(trpc.gatewayKeys.pathFilter());
  const fail = (error: unknown) => setProblem(errorLine(toUiError(error)));
  const create = useMutation(
    trpc.gatewayKeys.create.mutationOptions({
      onSuccess: (key) => {
        setCreated(key);
        setName('');
      },
      onError: fail,
      onSettled: refresh,
    }),
  );
  const revoke = useMutation(
    trpc.gatewayKeys.revoke.mutationOptions({
      onSuccess: ({ revoked }) => setCreated((shown) => (shown?.name === revoked ? null : shown)),
      onError: fail,
      onSettled: refresh,
    }),
  );
  const snippet = baseUrl === null ? null : gatewaySnippet(kind, baseUrl, model);

  return (
    <Stack gap="xs">
      <Divider label="OpenAI-compatible gateway" labelPosition="left" />
      {!enabled && (
        <Text size="sm" c="dimmed" role="status">
          The gateway is off (gateway.enabled: false in settings.yaml): /v1 answers 404.
        </Text>
      )}
      {baseUrl === null ? (
        <Text size="sm" c="dimmed">
          Turn on “Local HTTP API (desktop app)” to use the gateway from other tools.
        </Text>
      ) : (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput label="Gateway base URL" value={baseUrl} readOnly style={{ flex: 1 }} />
          <CopyText value={baseUrl} label="Copy base URL" />
        </Group>
      )}
      <Text size="sm" c="dimmed">
        Other tools sign in with a gateway key of their own (never your API token). A key works only on /v1
        and can be revoked at any time.
      </Text>
      {keys.data && keys.data.length > 0 && (
        <Table aria-label="Gateway keys" verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.map((key) => (
              <Table.Tr key={key.name}>
                <Table.Td>{key.name}</Table.Td>
                <Table.Td>{when(key.createdAt)}</Table.Td>
                <Table.Td>{when(key.lastUsedAt)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Revoke ${key.name}`}
                    onClick={() => setRevoking(key.name)}
                  >
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {keys.error && (
        <Text size="sm" c="red" role="alert">
          {errorLine(toUiError(keys.error))}
        </Text>
      )}
      <Group gap="xs" align="flex-end">
        <TextInput
          label="New key name"
          placeholder="my-editor"
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value);
            setProblem(null);
          }}
        />
        <Button
          size="sm"
          variant="default"
          disabled={name.trim() === ''}
          loading={create.isPending}
          onClick={() => {
            setProblem(null);
            create.mutate({ name: name.trim() });
          }}
        >
          Create key
        </Button>
      </Group>
      {problem && (
        <Alert color="red" variant="light" role="alert" p="xs">
          <Text size="sm">{problem}</Text>
        </Alert>
      )}
      {created && (
        <Alert color="green" variant="light" role="status" title={`Key “${created.name}” created`}>
          <Text size="sm">
            Copy it now: it is shown this once. Put it in {KEY_VARIABLE} for the snippets.
          </Text>
          <Group gap="xs" mt={4} wrap="nowrap">
            <Code aria-label="New gateway key" style={{ overflowWrap: 'anywhere' }}>
              {created.key}
            </Code>
            <CopyText value={created.key} label="Copy key" />
          </Group>
        </Alert>
      )}
      {snippet !== null && (
        <>
          <Group justify="space-between">
            <SegmentedControl
              size="xs"
              aria-label="Snippet"
              data={[...SNIPPET_KINDS]}
              value={kind}
              onChange={(value) => setKind(value as SnippetKind)}
            />
            <CopyText value={snippet} label="Copy snippet" />
          </Group>
          <Code block aria-label={`${kind} snippet`}>
            {snippet}
          </Code>
        </>
      )}
      <ConfirmDialog
        opened={revoking !== null}
        title="Revoke this key?"
        action="Revoke"
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking !== null) revoke.mutate({ name: revoking });
          setRevoking(null);
        }}
      >
        Tools using “{revoking}” are refused from their next request on.
      </ConfirmDialog>
    </Stack>
  );
}
