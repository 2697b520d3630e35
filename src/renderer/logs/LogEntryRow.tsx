import { Badge, Box, Code, Collapse, Group, Text, UnstyledButton } from '@mantine/core';
import { memo, useState } from 'react';
import type { LogEntry } from '../../domain/log-entry';
import { formatTime } from './log-filter';

const ROLE_COLORS: Record<LogEntry['role'], string> = {
  user: 'blue',
  assistant: 'teal',
  system: 'gray',
  error: 'red',
};

/**
 * A collapsed row shows two lines, but the browser lays out all the text it is given, and an
 * `assistant` entry holds the whole answer (tens of KB): the row gets its start only, the rest once
 * opened. Two lines of the drawer hold far fewer characters than this.
 */
const PREVIEW_CHARS = 400;

const preview = (content: string): string =>
  content.length > PREVIEW_CHARS ? `${content.slice(0, PREVIEW_CHARS)}…` : content;

/** The entry's details, pretty-printed only when its row is open (Collapse mounts it then). */
function LogDetails({ entry }: { entry: LogEntry }) {
  return (
    <Code block mt={4} fz="xs">
      {JSON.stringify({ ts: entry.ts, event_type: entry.eventType, details: entry.details ?? {} }, null, 2)}
    </Code>
  );
}

/** One log line: time, role, provider/model, a preview of the content; click for the details. */
export const LogEntryRow = memo(function LogEntryRow({ entry }: { entry: LogEntry }) {
  const [open, setOpen] = useState(false);
  return (
    <Box py={6} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <UnstyledButton onClick={() => setOpen((value) => !value)} aria-expanded={open} w="100%">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Text size="xs" c="dimmed" ff="monospace" style={{ flexShrink: 0 }}>
            {formatTime(entry.ts)}
          </Text>
          <Badge size="xs" color={ROLE_COLORS[entry.role]} variant="light" style={{ flexShrink: 0 }}>
            {entry.role}
          </Badge>
          <Box style={{ minWidth: 0, flex: 1 }}>
            {(entry.providerId || entry.eventType) && (
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {[
                  entry.providerId && `${entry.providerId}${entry.modelId ? ` / ${entry.modelId}` : ''}`,
                  entry.eventType,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            )}
            <Text
              size="sm"
              lineClamp={open ? undefined : 2}
              style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
            >
              {(open ? entry.content : preview(entry.content)) || '(empty)'}
            </Text>
          </Box>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open} keepMounted={false}>
        <LogDetails entry={entry} />
      </Collapse>
    </Box>
  );
});
