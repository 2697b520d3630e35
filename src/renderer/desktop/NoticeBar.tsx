import { CloseButton, Group } from '@mantine/core';
import type { ReactNode } from 'react';

/** A one-line strip under the header: present, but never in the way of the chat. */
export function NoticeBar({
  tone,
  label,
  onDismiss,
  children,
}: {
  tone: 'info' | 'error';
  label: string;
  onDismiss?: () => void;
  children: ReactNode;
}) {
  const color = tone === 'error' ? 'red' : 'blue';
  return (
    <Group
      role={tone === 'error' ? 'alert' : 'status'}
      aria-label={label}
      px="md"
      py={4}
      gap="sm"
      wrap="nowrap"
      justify="space-between"
      bg={`var(--mantine-color-${color}-light)`}
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Group gap="sm" wrap="wrap" style={{ flex: 1, minWidth: 0 }}>
        {children}
      </Group>
      {onDismiss && <CloseButton size="sm" aria-label="Dismiss" onClick={onDismiss} />}
    </Group>
  );
}
