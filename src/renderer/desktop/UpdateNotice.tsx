import { Button, Progress, Text } from '@mantine/core';
import { useState } from 'react';
import { errorLine, toUiError } from '../errors/error-message';
import type { InstallAnswer, UpdateStatus } from '../transport/desktop-api';
import { NoticeBar } from './NoticeBar';
import { percentText, plainNotes } from './update-text';

/** Where "Restart to update" stands: asked, refused with the updater's reason, or failed to reach it. */
type InstallState =
  | { step: 'idle' }
  | { step: 'asking' }
  | { step: 'restarting' }
  | { step: 'refused'; message: string };

/**
 * The updater's state as a strip under the header. "Checking" and "up to date" show only after the
 * user asked (Check for Updates…): the silent check at launch must not flash a notice on every start.
 */
export function UpdateNotice({
  status,
  userAsked,
  onInstall,
  onCheckAgain,
  onDismiss,
}: {
  status: UpdateStatus;
  userAsked: boolean;
  onInstall: () => Promise<InstallAnswer>;
  onCheckAgain: () => void;
  onDismiss: () => void;
}) {
  const [install, setInstall] = useState<InstallState>({ step: 'idle' });

  const restart = async () => {
    setInstall({ step: 'asking' });
    try {
      const answer = await onInstall();
      setInstall(answer.installing ? { step: 'restarting' } : { step: 'refused', message: answer.message });
    } catch (error) {
      setInstall({ step: 'refused', message: errorLine(toUiError(error)) });
    }
  };

  switch (status.state) {
    case 'idle':
      return null;
    case 'checking':
      if (!userAsked) return null;
      return (
        <NoticeBar tone="info" label="Update">
          <Text size="sm">Checking for updates…</Text>
        </NoticeBar>
      );
    case 'not-available':
      if (!userAsked) return null;
      return (
        <NoticeBar tone="info" label="Update" onDismiss={onDismiss}>
          <Text size="sm">LightChat is up to date.</Text>
        </NoticeBar>
      );
    case 'available': {
      const notes = plainNotes(status.notes);
      return (
        <NoticeBar tone="info" label="Update" onDismiss={onDismiss}>
          <Text size="sm">LightChat {status.version} is available; downloading it in the background.</Text>
          {notes && (
            <Text component="details" size="sm">
              <summary style={{ cursor: 'pointer' }}>What's new</summary>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {notes}
              </Text>
            </Text>
          )}
        </NoticeBar>
      );
    }
    case 'downloading':
      return (
        <NoticeBar tone="info" label="Update" onDismiss={onDismiss}>
          <Text size="sm">Downloading update {percentText(status.percent)}</Text>
          <Progress value={status.percent} size="sm" w={160} aria-label="Update download" />
        </NoticeBar>
      );
    case 'ready':
      return (
        <NoticeBar
          tone="info"
          label="Update"
          onDismiss={install.step === 'restarting' ? undefined : onDismiss}
        >
          <Text size="sm">LightChat {status.version} is ready. It installs when you quit, or now:</Text>
          {install.step === 'restarting' ? (
            <Text size="sm" fw={500}>
              Restarting LightChat…
            </Text>
          ) : (
            <Button size="compact-xs" loading={install.step === 'asking'} onClick={() => void restart()}>
              Restart to update
            </Button>
          )}
          {install.step === 'refused' && (
            <Text size="sm" c="red" role="alert">
              {install.message}
            </Text>
          )}
        </NoticeBar>
      );
    case 'error':
      return (
        <NoticeBar tone="error" label="Update" onDismiss={onDismiss}>
          <Text size="sm">Update failed: {status.message}</Text>
          <Button size="compact-xs" variant="light" color="red" onClick={onCheckAgain}>
            Check again
          </Button>
        </NoticeBar>
      );
  }
}
