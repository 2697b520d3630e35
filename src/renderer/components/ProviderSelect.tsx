import { Group, type MantineStyleProp, Text } from '@mantine/core';
import type { ProviderInfo } from '../../domain/provider';
import { useAppState } from '../state/app-state';
import { LazySelect } from './LazySelect';
import { StatusDot } from './StatusDot';
import { providerStatusText } from './selection';

/** The `Provider` select: each provider with its status dot; a demo provider says so. */
export function ProviderSelect({
  providers,
  provider,
  loading,
  style,
}: {
  providers: ProviderInfo[];
  provider: ProviderInfo | undefined;
  loading: boolean;
  /** Its size in the header's row (it shrinks on narrow windows). */
  style?: MantineStyleProp;
}) {
  const { choice } = useAppState();
  const byId = new Map(providers.map((entry) => [entry.id, entry]));
  return (
    <LazySelect
      label="Provider"
      size="xs"
      style={style}
      allowDeselect={false}
      placeholder={loading ? 'Loading…' : 'No providers'}
      data={providers.map((entry) => ({
        value: entry.id,
        label: entry.demo ? `${entry.name} (demo)` : entry.name,
      }))}
      value={provider?.id ?? null}
      onChange={(value) => value && choice.set({ ...choice.get(), providerId: value, modelId: null })}
      leftSection={<StatusDot provider={provider} />}
      renderOption={({ option }) => {
        const entry = byId.get(option.value);
        return (
          <Group gap="xs" wrap="nowrap" title={entry ? providerStatusText(entry) : undefined}>
            <StatusDot provider={entry} />
            <div>
              <Text size="sm">{option.label}</Text>
              {entry && entry.status !== 'ok' && (
                <Text size="xs" c="red">
                  {providerStatusText(entry)}
                </Text>
              )}
            </div>
          </Group>
        );
      }}
    />
  );
}
