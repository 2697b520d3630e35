import type { TRPCClient } from '@trpc/client';
// Types only: no main-process code reaches the renderer bundle.
import type { DesktopRouter } from '../../main/desktop-router';
import type { HttpApiStatus } from '../../main/http-api';
import type { MenuAction } from '../../main/menu-events';
import type { InstallAnswer, UpdateStatus } from '../../main/updater';
import { trpcClient } from './client';

export type { HttpApiStatus, InstallAnswer, MenuAction, UpdateStatus };

export interface Unsubscribable {
  unsubscribe(): void;
}

/** The desktop app's own procedures (IPC only, CONTRACT section 5), in the words the UI uses. */
export interface DesktopApi {
  /** Native menu clicks whose action happens in the page. */
  onMenuAction(listener: (action: MenuAction) => void): Unsubscribable;
  /** The updater's current state, then each change. */
  onUpdateStatus(listener: (status: UpdateStatus) => void): Unsubscribable;
  checkForUpdates(): Promise<UpdateStatus>;
  installUpdate(): Promise<InstallAnswer>;
  /** The local HTTP API beside the window: running, or why not. */
  httpApiStatus(): Promise<HttpApiStatus>;
  /** `http://127.0.0.1:<port>/#token=…` while the HTTP API runs, else null (Settings → Copy link). */
  browserLink(): Promise<string | null>;
  /** Reveal in Finder (Explorer, Files). */
  openSettingsFile(): Promise<unknown>;
  openLogsFolder(): Promise<unknown>;
}

/**
 * The same client and channel as the rest of the app, typed with the `DesktopRouter`. Use it only
 * when the transport is IPC: the web UI's server does not serve these procedures.
 */
const desktopClient = trpcClient as unknown as TRPCClient<DesktopRouter>;

// A failed subscription (e.g. an older main process) only means the desktop extras stay hidden.
const ignore = () => {};

export const desktopApi: DesktopApi = {
  onMenuAction: (listener) =>
    desktopClient.desktop.menuEvents.subscribe(undefined, {
      onData: (event) => listener(event.action),
      onError: ignore,
    }),
  onUpdateStatus: (listener) =>
    desktopClient.update.status.subscribe(undefined, { onData: listener, onError: ignore }),
  checkForUpdates: () => desktopClient.update.check.mutate(),
  installUpdate: () => desktopClient.update.install.mutate(),
  httpApiStatus: async () => (await desktopClient.desktop.status.query()).httpApi,
  browserLink: async () => (await desktopClient.desktop.browserLink.query()).link,
  openSettingsFile: () => desktopClient.desktop.openSettingsFile.mutate(),
  openLogsFolder: () => desktopClient.desktop.openLogsFolder.mutate(),
};
