import '../mantine-later.css';
import { Alert, Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ModelInfo, ProviderInfo } from '../../domain/provider';
import { errorText, toUiError } from '../errors/error-message';
import { useTRPC } from '../transport/trpc';
import { CapabilityBadges } from './CapabilityBadges';
import { PullPanel } from './PullPanel';
import { formatBytes } from './pull-state';

/**
 * The `Models` dialog (CONTRACT section 12): the provider's installed models with size, family,
 * quantization, capabilities, context length and whether they are loaded; for Ollama also `Pull`,
 * `Delete` (asks first) and `Unload`.
 */
export default function ModelsDialog({
  opened,
  onClose,
  provider,
}: {
  opened: boolean;
  onClose: () => void;
  provider: ProviderInfo | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const providerId = provider?.id ?? '';
  const models = useQuery({
    ...trpc.models.list.queryOptions({ providerId }, { retry: false }),
    enabled: opened && provider !== undefined,
    staleTime: 0,
  });
  const [deleting, setDeleting] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey({ providerId }) });
  const onFailure = (error: unknown) => setFailure(errorText(toUiError(error)));
  const remove = useMutation(trpc.models.delete.mutationOptions({ onSuccess: refresh, onError: onFailure }));
  const unload = useMutation(trpc.models.unload.mutationOptions({ onSuccess: refresh, onError: onFailure }));
  const manages = provider?.type === 'ollama';

  return (
    <Modal opened={opened} onClose={onClose} title="Models" size="xl">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {provider ? `${provider.name}: the models it has.` : 'No provider is chosen.'}
        </Text>
        {manages && <PullPanel providerId={providerId} />}
        {failure && (
          <Alert
            color="red"
            variant="light"
            withCloseButton
            onClose={() => setFailure(null)}
            title="That did not work"
          >
            {failure}
          </Alert>
        )}
        {models.isError && (
          <Alert color="red" variant="light" title="The models could not be listed">
            {errorText(toUiError(models.error))}
          </Alert>
        )}
        <Title order={3} size="h5">
          Installed
        </Title>
        {models.data?.length === 0 && <Text size="sm">No models yet. Pull one above.</Text>}
        {(models.data?.length ?? 0) > 0 && (
          <Table aria-label="Installed models" striped verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>Family</Table.Th>
                <Table.Th>Quantization</Table.Th>
                <Table.Th>Context</Table.Th>
                <Table.Th>Can</Table.Th>
                {manages && <Table.Th>Actions</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data?.map((model) => (
                <ModelRow
                  key={model.id}
                  model={model}
                  manages={manages}
                  onUnload={() => unload.mutate({ providerId, model: model.id })}
                  onDelete={() => setDeleting(model.id)}
                />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete this model?" centered>
        <Text size="sm">
          {deleting} will be removed from {provider?.name ?? 'the provider'}. Pull it again to use it.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(null)}>
            Keep
          </Button>
          <Button
            color="red"
            data-autofocus
            onClick={() => {
              if (deleting) remove.mutate({ providerId, model: deleting });
              setDeleting(null);
            }}
          >
            Delete
          </Button>
        </Group>
      </Modal>
    </Modal>
  );
}

function ModelRow({
  model,
  manages,
  onUnload,
  onDelete,
}: {
  model: ModelInfo;
  manages: boolean;
  onUnload: () => void;
  onDelete: () => void;
}) {
  return (
    <Table.Tr aria-label={model.id}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm">{model.name}</Text>
          {model.loaded && (
            <Badge size="xs" color="green" variant="dot">
              loaded
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>{model.sizeBytes === undefined ? '' : formatBytes(model.sizeBytes)}</Table.Td>
      <Table.Td>{model.family ?? ''}</Table.Td>
      <Table.Td>{model.quantization ?? ''}</Table.Td>
      <Table.Td>{model.contextLength?.toLocaleString('en') ?? ''}</Table.Td>
      <Table.Td>
        <CapabilityBadges capabilities={model.capabilities} />
      </Table.Td>
      {manages && (
        <Table.Td>
          <Group gap={4} wrap="nowrap">
            {model.loaded && (
              <Button
                size="compact-xs"
                variant="default"
                onClick={onUnload}
                aria-label={`Unload ${model.id}`}
              >
                Unload
              </Button>
            )}
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              onClick={onDelete}
              aria-label={`Delete ${model.id}`}
            >
              Delete
            </Button>
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}
