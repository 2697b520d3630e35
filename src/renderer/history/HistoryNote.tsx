import { Alert } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../transport/trpc';

const REASONS: Record<string, string> = {
  disabled: 'History is off: conversations are not saved.',
  newer_version: 'The history file is from a newer LightChat: it is left untouched.',
  damaged: 'The history file is damaged: it is left untouched. Settings can start a new history.',
  migration_failed: 'The history file could not be upgraded: it is left untouched.',
  disk_full: 'The disk is full: history cannot be written.',
  failed: 'History cannot be used right now.',
};

/** Why there is no list: history is off or unavailable (Settings has the details and the way out). */
export function HistoryNote() {
  const trpc = useTRPC();
  const status = useQuery(trpc.conversations.status.queryOptions());
  if (!status.data || status.data.available) return null;
  return (
    <Alert color="gray" variant="light" p="xs" role="status">
      {REASONS[status.data.reason] ?? status.data.message}
    </Alert>
  );
}
