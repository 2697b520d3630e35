import { Alert, Button, Divider, FileButton, Group, List, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorLine, toUiError } from '../errors/error-message';
import { ConfirmDialog } from '../history/ConfirmDialog';
import { useAppState } from '../state/app-state';
import { downloadFile, filesAvailable, uploadFile } from '../transport/files';
import { useTRPC } from '../transport/trpc';

/** `POST /import`'s answer (CONTRACT section 10). */
interface ImportResult {
  imported: number;
  skipped: number;
  failed: { source_id: string; reason: string }[];
  messages: number;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function importSummary(result: ImportResult): string {
  return `Imported ${plural(result.imported, 'conversation')} (${plural(result.messages, 'message')}); skipped ${result.skipped}; failed ${result.failed.length}.`;
}

/**
 * Settings → History: Import…, Export all, Delete all history; or why history can't be used, with
 * "Start a new history" for a damaged file (the server keeps the damaged one aside, never deletes it).
 */
export function HistorySection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { workspace, history } = useAppState();
  const status = useQuery(trpc.conversations.status.queryOptions());
  const [result, setResult] = useState<{ ok: boolean; text: string; failed: string[] } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.conversations.pathFilter());
  };
  const fail = (error: unknown) => setResult({ ok: false, text: errorLine(toUiError(error)), failed: [] });
  const deleteAll = useMutation(
    trpc.conversations.deleteAll.mutationOptions({
      onSuccess: () => {
        workspace?.newChat();
        setResult({ ok: true, text: 'All history was deleted.', failed: [] });
      },
      onError: fail,
      onSettled: refresh,
    }),
  );
  const startNew = useMutation(
    trpc.conversations.startNewHistory.mutationOptions({
      onSuccess: (next) => {
        history.set(next.available ? 'available' : 'unavailable');
      },
      onError: fail,
      onSettled: refresh,
    }),
  );
  const [importing, setImporting] = useState(false);
  const importFile = (file: File | null) => {
    if (file === null) return;
    setImporting(true);
    setResult(null);
    uploadFile<ImportResult>('/import', file)
      .then(
        (answer) =>
          setResult({
            ok: true,
            text: importSummary(answer),
            failed: answer.failed.map((entry) => `${entry.source_id}: ${entry.reason}`),
          }),
        fail,
      )
      .finally(() => {
        setImporting(false);
        refresh();
      });
  };

  const state = status.data;
  return (
    <Stack gap="xs">
      <Divider label="History" labelPosition="left" />
      {state && !state.available && (
        <Alert color="yellow" variant="light" role="status" title="History is not available">
          <Text size="sm">{state.message}</Text>
          {state.path && (
            <Text size="xs" c="dimmed">
              {state.path}
            </Text>
          )}
          {state.reason === 'damaged' && (
            <Button
              mt="xs"
              size="xs"
              variant="light"
              loading={startNew.isPending}
              onClick={() => startNew.mutate()}
            >
              Start a new history
            </Button>
          )}
        </Alert>
      )}
      {state?.available && (
        <Group gap="xs">
          {filesAvailable && (
            <>
              <FileButton onChange={importFile} accept=".json,.zip,application/json,application/zip">
                {(props) => (
                  <Button {...props} size="xs" variant="default" loading={importing}>
                    Import…
                  </Button>
                )}
              </FileButton>
              <Button
                size="xs"
                variant="default"
                onClick={() => void downloadFile('/export', 'lightchat-history.zip').catch(fail)}
              >
                Export all
              </Button>
            </>
          )}
          <Button size="xs" variant="light" color="red" onClick={() => setConfirming(true)}>
            Delete all history
          </Button>
        </Group>
      )}
      {result && (
        <Alert
          color={result.ok ? 'green' : 'red'}
          variant="light"
          role={result.ok ? 'status' : 'alert'}
          p="xs"
        >
          <Text size="sm">{result.text}</Text>
          {result.failed.length > 0 && (
            <List size="xs">
              {result.failed.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      <ConfirmDialog
        opened={confirming}
        title="Delete all history?"
        action="Delete all"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          deleteAll.mutate();
        }}
      >
        Every conversation and message will be deleted for good. This cannot be undone.
      </ConfirmDialog>
    </Stack>
  );
}
