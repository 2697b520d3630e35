import { Badge, Group } from '@mantine/core';
import type { ModelCapability } from '../../domain/provider-types';

/** How each capability reads on a badge; `completion` is what every chat model does, so it is not shown. */
const LABELS: Partial<Record<ModelCapability, { label: string; color: string }>> = {
  vision: { label: 'vision', color: 'grape' },
  tools: { label: 'tools', color: 'teal' },
  thinking: { label: 'thinking', color: 'indigo' },
  embedding: { label: 'embedding', color: 'gray' },
};

/** Small badges for what a model can do (CONTRACT section 12); nothing when unknown. */
export function CapabilityBadges({
  capabilities,
}: {
  capabilities: readonly ModelCapability[] | null | undefined;
}) {
  const shown = (capabilities ?? []).flatMap((capability) => {
    const badge = LABELS[capability];
    return badge ? [{ capability, ...badge }] : [];
  });
  if (shown.length === 0) return null;
  return (
    <Group gap={4} wrap="nowrap" aria-label="Capabilities">
      {shown.map(({ capability, label, color }) => (
        <Badge key={capability} size="xs" variant="light" color={color}>
          {label}
        </Badge>
      ))}
    </Group>
  );
}
