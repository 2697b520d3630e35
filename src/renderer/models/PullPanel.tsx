import { Alert, Button, Group, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { errorText, toUiError } from '../errors/error-message';
import { useTRPC } from '../transport/trpc';
import { nextPullView, type PullEventView, type PullView, pullFigures, startPull } from './pull-state';

/**
 * `Pull`: a name field, one progress bar for the whole download, `Cancel`. The pull is a mutation
 * plus a subscription by id; closing the dialog does not stop it on the server.
 */
export function PullPanel({ providerId }: { providerId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [pull, setPull] = useState<{ id: string; view: PullView } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const start = useMutation(trpc.models.pull.mutationOptions());
  const cancel = useMutation(trpc.models.cancelPull.mutationOptions());

  useSubscription(
    trpc.models.pullEvents.subscriptionOptions(
      { pullId: pull?.id ?? '' },
      {
        enabled: pull !== null && pull.view.state === 'pulling',
        onData: (event) => {
          setPull((current) =>
            current
              ? { ...current, view: nextPullView(current.view, event as PullEventView, performance.now()) }
              : current,
          );
          if (event.type === 'done') {
            void queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey({ providerId }) });
          }
        },
        onError: (error) => setFailure(errorText(toUiError(error))),
      },
    ),
  );

  const pulling = pull?.view.state === 'pulling';
  const submit = async () => {
    const model = name.trim();
    if (!model || pulling) return;
    setFailure(null);
    try {
      const { pullId } = await start.mutateAsync({ providerId, model });
      setPull({ id: pullId, view: startPull(model) });
    } catch (error) {
      setFailure(errorText(toUiError(error)));
    }
  };

  const view = pull?.view;
  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <TextInput
          label="Model name"
          placeholder="e.g. llama3.2 or qwen3:8b"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void submit();
          }}
          style={{ flex: 1 }}
          disabled={pulling}
        />
        {pulling ? (
          <Button variant="default" onClick={() => pull && cancel.mutate({ pullId: pull.id })}>
            Cancel
          </Button>
        ) : (
          <Button onClick={() => void submit()} disabled={name.trim() === ''} loading={start.isPending}>
            Pull
          </Button>
        )}
      </Group>
      {view && (
        <Stack gap={4}>
          <Progress.Root size="md">
            <Progress.Section
              value={view.percent}
              aria-label={`Pulling ${view.model}`}
              animated={view.state === 'pulling'}
              color={view.state === 'error' ? 'red' : view.state === 'done' ? 'teal' : undefined}
            />
          </Progress.Root>
          <Text size="xs" c="dimmed" aria-live="polite">
            {view.state === 'done'
              ? `Pulled ${view.model}.`
              : view.state === 'cancelled'
                ? `Pull of ${view.model} cancelled.`
                : `${view.model}: ${Math.floor(view.percent)}% · ${pullFigures(view)}`}
          </Text>
        </Stack>
      )}
      {(failure ?? view?.error) && (
        <Alert color="red" variant="light" title="The pull failed">
          {failure ?? view?.error}
        </Alert>
      )}
    </Stack>
  );
}
