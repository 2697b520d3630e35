import { useEffect, useRef, useState } from 'react';
import { errorText, toUiError } from '../errors/error-message';
import type { DesktopApi, HttpApiStatus, UpdateStatus } from '../transport/desktop-api';
import { ApiPortNotice, apiFailed } from './ApiPortNotice';
import { UpdateNotice } from './UpdateNotice';

export interface DesktopFeaturesProps {
  api: DesktopApi;
  /** The same flow as the `New chat` button (it asks before discarding). */
  onNewChat: () => void;
  onOpenSettings: () => void;
  /** Changes whenever settings.yaml is reloaded: `api.port` may have moved, so the API status is re-read. */
  settingsRevision: string | undefined;
}

// The HTTP API restarts on its new port a moment after the settings reload: look again then.
const API_RESTART_GRACE_MS = 1_500;

/** One notice per change: dismissing "downloading" hides it for the whole download, not per percent. */
function updateKey(status: UpdateStatus): string {
  switch (status.state) {
    case 'available':
    case 'ready':
      return `${status.state}:${status.version}`;
    case 'error':
      return `error:${status.message}`;
    default:
      return status.state;
  }
}

const apiKey = (status: HttpApiStatus): string => `${status.port}:${status.error}`;

/**
 * What only the desktop app has (CONTRACT section 5, IPC only): the native menu's actions, the
 * self-update state with "Restart to update", and a notice when the local HTTP API could not start.
 */
export function DesktopFeatures({ api, onNewChat, onOpenSettings, settingsRevision }: DesktopFeaturesProps) {
  const [update, setUpdate] = useState<UpdateStatus>({ state: 'idle' });
  const [userAsked, setUserAsked] = useState(false);
  const [dismissedUpdate, setDismissedUpdate] = useState<string | null>(null);
  const [httpApi, setHttpApi] = useState<HttpApiStatus | null>(null);
  const [dismissedApi, setDismissedApi] = useState<string | null>(null);

  const checkForUpdates = () => {
    setUserAsked(true);
    setDismissedUpdate(null);
    api.checkForUpdates().catch((error: unknown) => {
      setUpdate({ state: 'error', message: errorText(toUiError(error)) });
    });
  };

  // The menu subscription lives as long as the window; it always calls the latest handlers.
  const handlers = useRef({ onNewChat, onOpenSettings, checkForUpdates });
  handlers.current = { onNewChat, onOpenSettings, checkForUpdates };

  useEffect(() => {
    const menu = api.onMenuAction((action) => {
      if (action === 'new-chat') handlers.current.onNewChat();
      else if (action === 'open-settings') handlers.current.onOpenSettings();
      else handlers.current.checkForUpdates();
    });
    const updates = api.onUpdateStatus(setUpdate);
    return () => {
      menu.unsubscribe();
      updates.unsubscribe();
    };
  }, [api]);

  useEffect(() => {
    // `settingsRevision` is read so that each reload of the settings looks again.
    void settingsRevision;
    let live = true;
    const read = () =>
      api.httpApiStatus().then(
        (status) => live && setHttpApi(status),
        () => {}, // no answer: no notice (the window itself works over IPC)
      );
    void read();
    const again = setTimeout(read, API_RESTART_GRACE_MS);
    return () => {
      live = false;
      clearTimeout(again);
    };
  }, [api, settingsRevision]);

  const key = updateKey(update);
  return (
    <>
      {dismissedUpdate !== key && (
        <UpdateNotice
          key={key}
          status={update}
          userAsked={userAsked}
          onInstall={() => api.installUpdate()}
          onCheckAgain={checkForUpdates}
          onDismiss={() => setDismissedUpdate(key)}
        />
      )}
      {httpApi && apiFailed(httpApi) && dismissedApi !== apiKey(httpApi) && (
        <ApiPortNotice
          status={httpApi}
          onOpenSettings={onOpenSettings}
          onDismiss={() => setDismissedApi(apiKey(httpApi))}
        />
      )}
    </>
  );
}
