import { Box } from '@mantine/core';
import { memo, type ReactNode, type Ref } from 'react';
import type { LogEntry } from '../../domain/log-entry';
import { LogEntryRow } from './LogEntryRow';
import { entryKey } from './log-filter';

/**
 * The drawer's entries, oldest first. Each row is keyed by its entry, not its place: when a batch of
 * live lines pushes the oldest out of a full list, only the new rows render and the others keep their
 * nodes (keyed by place, every row would take its neighbour's entry and render again).
 */
export const LogList = memo(function LogList({
  entries,
  ref,
  children,
}: {
  entries: readonly LogEntry[];
  ref?: Ref<HTMLDivElement>;
  /** Shown below the rows (e.g. "No log entries yet"). */
  children?: ReactNode;
}) {
  return (
    <Box ref={ref} style={{ flex: 1, overflowY: 'auto' }} aria-label="Log entries" role="log">
      {entries.map((entry) => (
        <LogEntryRow key={entryKey(entry)} entry={entry} />
      ))}
      {children}
    </Box>
  );
});
