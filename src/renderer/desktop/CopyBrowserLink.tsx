import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import type { DesktopApi } from '../transport/desktop-api';

type Outcome = { kind: 'copied' } | { kind: 'problem'; message: string } | null;

/**
 * Settings → `Copy link` (desktop only): the link that opens this app in a browser, with the API
 * token in its fragment. The token is asked for over IPC at the click and goes to the clipboard only.
 */
export function CopyBrowserLink({
  api,
  writeText = (text) => navigator.clipboard.writeText(text),
}: {
  api: Pick<DesktopApi, 'browserLink'>;
  writeText?: (text: string) => Promise<void>;
}) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const copy = async () => {
    try {
      const link = await api.browserLink();
      if (link === null) {
        setOutcome({
          kind: 'problem',
          message: 'The local HTTP API is not running, so there is no page to open (see "Local HTTP API").',
        });
        return;
      }
      await writeText(link);
      setOutcome({ kind: 'copied' });
    } catch (error) {
      setOutcome({ kind: 'problem', message: `Could not copy the link: ${String(error)}` });
    }
  };
  return (
    <Group gap="sm" wrap="nowrap">
      <Button variant="light" size="xs" onClick={() => void copy()}>
        Copy link
      </Button>
      <Text size="sm" c={outcome?.kind === 'problem' ? 'red' : 'dimmed'} role="status">
        {outcome === null
          ? 'Open LightChat in a browser: the link carries your API token, so keep it to yourself.'
          : outcome.kind === 'copied'
            ? 'Copied. Paste it into your browser’s address bar.'
            : outcome.message}
      </Text>
    </Group>
  );
}
