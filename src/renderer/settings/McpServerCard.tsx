import {
  Box,
  Button,
  Code,
  Collapse,
  Fieldset,
  Group,
  NativeSelect,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { useState } from 'react';
import type { ToolServerInfo } from '../../domain/ports/tool-host.port';
import { type McpServerFormValues, type ToolRule, toolRule, withToolRule } from './mcp-server-form';

type ShownStatus = ToolServerInfo['status'] | 'unsaved';

const STATUS: Record<ShownStatus, { label: string; color: string }> = {
  ready: { label: 'Ready', color: 'var(--mantine-color-green-6)' },
  starting: { label: 'Starting', color: 'var(--mantine-color-yellow-6)' },
  error: { label: 'Error', color: 'var(--mantine-color-red-6)' },
  disabled: { label: 'Disabled', color: 'var(--mantine-color-gray-5)' },
  unsaved: { label: 'Not saved yet', color: 'var(--mantine-color-blue-5)' },
};

const RULES: { value: ToolRule; label: string }[] = [
  { value: 'ask', label: 'Ask' },
  { value: 'always', label: 'Always allow' },
  { value: 'never', label: 'Never allow' },
];

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The dot with its word beside it: the status is never told by colour alone. */
function ServerStatus({ status }: { status: ShownStatus }) {
  const { label, color } = STATUS[status];
  return (
    <Group gap={6} wrap="nowrap">
      <Box
        component="span"
        aria-hidden
        style={{ display: 'inline-block', width: 10, height: 10, borderRadius: '50%', background: color }}
      />
      <Text size="sm">{label}</Text>
    </Group>
  );
}

/**
 * One MCP server in Settings → Tools: status (live), tool count, the error and stderr tail, enable,
 * `Restart`, and each tool's approval (Ask / Always allow / Never allow). Edits change the form;
 * `Restart` acts at once.
 */
export function McpServerCard({
  server,
  live,
  onChange,
  onEdit,
  onRemove,
  onRestart,
  restarting,
}: {
  server: McpServerFormValues;
  /** What `tools.list` says of the saved server; undefined for a server not saved yet. */
  live: ToolServerInfo | undefined;
  onChange: (next: McpServerFormValues) => void;
  onEdit: () => void;
  onRemove: () => void;
  onRestart: () => void;
  restarting: boolean;
}) {
  const [showTools, setShowTools] = useState(false);
  const [showError, setShowError] = useState(false);
  const status: ShownStatus = server.previousName === null || !live ? 'unsaved' : live.status;
  // A server that is not running still shows the tools its approval lists name.
  const tools =
    live?.status === 'ready'
      ? live.tools.map((tool) => ({ name: tool.name, description: tool.description }))
      : [...new Set([...server.alwaysAllow, ...server.neverAllow])].map((name) => ({
          name,
          description: '',
        }));
  const [reason, ...stderr] = (live?.status === 'error' ? (live.error ?? '') : '').split('\n');
  const what = server.transport === 'stdio' ? [server.command, ...server.args].join(' ') : server.url;

  return (
    <Fieldset legend={server.name} p="xs">
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="md" wrap="wrap">
            <ServerStatus status={status} />
            {live?.status === 'ready' && <Text size="sm">{plural(live.tools.length, 'tool')}</Text>}
          </Group>
          <Group gap={4} wrap="wrap">
            <Switch
              label="Enabled"
              checked={server.enabled}
              onChange={(event) => onChange({ ...server, enabled: event.currentTarget.checked })}
            />
            <Button
              size="xs"
              variant="default"
              onClick={onRestart}
              loading={restarting}
              disabled={status === 'unsaved' || status === 'disabled'}
            >
              Restart
            </Button>
            <Button size="xs" variant="subtle" onClick={onEdit}>
              Edit
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={onRemove}>
              Remove
            </Button>
          </Group>
        </Group>
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {what}
        </Text>
        {live?.status === 'error' && (
          <Stack gap={4}>
            <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }}>
              {reason}
            </Text>
            {stderr.length > 0 && (
              <>
                <Group>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    aria-expanded={showError}
                    onClick={() => setShowError((shown) => !shown)}
                  >
                    {showError ? 'Hide stderr' : 'Show stderr'}
                  </Button>
                </Group>
                <Collapse expanded={showError}>
                  <Code block aria-label={`stderr of ${server.name}`} style={{ whiteSpace: 'pre-wrap' }}>
                    {stderr.join('\n')}
                  </Code>
                </Collapse>
              </>
            )}
          </Stack>
        )}
        <Switch
          size="xs"
          label="Run without asking"
          description="This server's tools run without asking (not tools it adds later). Never allow still wins."
          checked={server.runWithoutAsking}
          onChange={(event) => onChange({ ...server, runWithoutAsking: event.currentTarget.checked })}
        />
        {tools.length > 0 && (
          <>
            <Group>
              <Button
                size="compact-xs"
                variant="subtle"
                aria-expanded={showTools}
                onClick={() => setShowTools((shown) => !shown)}
              >
                {showTools ? 'Hide tools' : `Show tools (${tools.length})`}
              </Button>
            </Group>
            <Collapse expanded={showTools}>
              <Stack gap={4}>
                {tools.map((tool) => (
                  <Group key={tool.name} justify="space-between" wrap="nowrap" gap="xs">
                    <Box style={{ minWidth: 0 }}>
                      <Text size="sm" ff="monospace">
                        {tool.name}
                      </Text>
                      {tool.description && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {tool.description}
                        </Text>
                      )}
                    </Box>
                    <NativeSelect
                      size="xs"
                      aria-label={`Approval for ${tool.name}`}
                      data={RULES}
                      value={toolRule(server, tool.name)}
                      onChange={(event) =>
                        onChange(withToolRule(server, tool.name, event.currentTarget.value as ToolRule))
                      }
                    />
                  </Group>
                ))}
              </Stack>
            </Collapse>
          </>
        )}
      </Stack>
    </Fieldset>
  );
}
