import { Group, type MantineStyleProp, Stack, Text } from '@mantine/core';
import type { ModelInfo } from '../../domain/provider';
import { CapabilityBadges } from '../models/CapabilityBadges';
import { useAppState } from '../state/app-state';
import { LazySelect } from './LazySelect';
import { modelDetails, offeredForChat } from './selection';

/** The `Model` select: the provider's live list, searchable, with size and quantization. */
export function ModelSelect({
  models,
  modelId,
  loading,
  failed,
  style,
}: {
  models: ModelInfo[] | undefined;
  modelId: string | null;
  loading: boolean;
  failed: boolean;
  /** Its size in the header's row (it shrinks on narrow windows). */
  style?: MantineStyleProp;
}) {
  const { choice } = useAppState();
  const byId = new Map((models ?? []).map((model) => [model.id, model]));
  const placeholder = loading
    ? 'Loading models…'
    : failed
      ? 'Models unavailable'
      : models?.length === 0
        ? 'No models'
        : 'Choose a model';
  return (
    <LazySelect
      label="Model"
      size="xs"
      style={style}
      searchable
      allowDeselect={false}
      disabled={loading || failed || !models?.length}
      placeholder={placeholder}
      nothingFoundMessage="No model matches"
      data={(models ?? []).filter(offeredForChat).map((model) => ({ value: model.id, label: model.name }))}
      value={modelId}
      onChange={(value) => value && choice.set({ ...choice.get(), modelId: value })}
      renderOption={({ option }) => {
        const model = byId.get(option.value);
        const details = model ? modelDetails(model) : '';
        return (
          <Stack gap={0}>
            <Group gap={6} wrap="nowrap">
              <Text size="sm">{option.label}</Text>
              <CapabilityBadges capabilities={model?.capabilities} />
            </Group>
            {details && (
              <Text size="xs" c="dimmed">
                {details}
              </Text>
            )}
          </Stack>
        );
      }}
    />
  );
}
