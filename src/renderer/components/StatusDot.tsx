import { Box } from '@mantine/core';
import type { ProviderInfo } from '../../domain/provider';
import { providerStatusText } from './selection';

/** Green when the provider answers, red with the reason on hover (a plain `title`) when it does not. */
export function StatusDot({ provider }: { provider: ProviderInfo | undefined }) {
  const color =
    provider === undefined
      ? 'var(--mantine-color-gray-5)'
      : provider.status === 'ok'
        ? 'var(--mantine-color-green-6)'
        : 'var(--mantine-color-red-6)';
  const label = provider ? `${provider.name}: ${providerStatusText(provider)}` : 'No provider';
  return (
    <Box
      component="span"
      role="img"
      aria-label={label}
      title={label}
      style={{ display: 'inline-block', width: 10, height: 10, borderRadius: '50%', background: color }}
    />
  );
}
