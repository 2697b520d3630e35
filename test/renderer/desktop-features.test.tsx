import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useNewChat } from '../../src/renderer/components/use-new-chat';
import { DesktopFeatures } from '../../src/renderer/desktop/DesktopFeatures';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import type {
  DesktopApi,
  HttpApiStatus,
  InstallAnswer,
  MenuAction,
  UpdateStatus,
} from '../../src/renderer/transport/desktop-api';

const API_RUNNING: HttpApiStatus = {
  enabled: true,
  running: true,
  port: 8000,
  url: 'http://127.0.0.1:8000',
  error: null,
};
const API_PORT_BUSY: HttpApiStatus = {
  enabled: true,
  running: false,
  port: 8000,
  url: null,
  error:
    'The local API could not start: port 8000 is already in use by another program. LightChat works without it; to use the API, set another api.port in settings.yaml.',
};

/** The desktop procedures as the main process would answer them; the test plays the menu and the updater. */
function fakeDesktop(options: { httpApi?: HttpApiStatus; install?: InstallAnswer | Error } = {}) {
  let menu: ((action: MenuAction) => void) | null = null;
  let updater: ((status: UpdateStatus) => void) | null = null;
  const calls = { check: 0, install: 0, status: 0, unsubscribed: 0 };
  const api: DesktopApi = {
    onMenuAction(listener) {
      menu = listener;
      return { unsubscribe: () => calls.unsubscribed++ };
    },
    onUpdateStatus(listener) {
      updater = listener;
      listener({ state: 'idle' });
      return { unsubscribe: () => calls.unsubscribed++ };
    },
    async checkForUpdates() {
      calls.check++;
      return { state: 'checking' };
    },
    async installUpdate() {
      calls.install++;
      const answer = options.install ?? { installing: true };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async httpApiStatus() {
      calls.status++;
      return options.httpApi ?? API_RUNNING;
    },
    browserLink: async () => null,
    openSettingsFile: async () => ({ opened: true }),
    openLogsFolder: async () => ({ opened: true }),
  };
  return {
    api,
    calls,
    menu: (action: MenuAction) => act(() => menu?.(action)),
    update: (status: UpdateStatus) => act(() => updater?.(status)),
  };
}

const neverCalled: ChatApi = {
  start: () => Promise.reject(new Error('not in this test')),
  events: () => ({ unsubscribe: () => {} }),
};

/** The window's wiring in small: the New chat flow and the desktop part, as App joins them. */
function Window({ api, onOpenSettings }: { api: DesktopApi; onOpenSettings: () => void }) {
  const newChat = useNewChat();
  return (
    <>
      <button type="button" onClick={newChat.request}>
        New chat
      </button>
      {newChat.confirmation}
      <DesktopFeatures
        api={api}
        onNewChat={newChat.request}
        onOpenSettings={onOpenSettings}
        settingsRevision="r1"
      />
    </>
  );
}

function renderWindow(desktop: ReturnType<typeof fakeDesktop>, options: { withMessage?: boolean } = {}) {
  const state = createAppState({ api: neverCalled, storage: window.sessionStorage });
  if (options.withMessage) {
    state.conversation.set({ order: ['u1'], byId: { u1: { id: 'u1', role: 'user', content: 'Hello' } } });
  }
  const onOpenSettings = vi.fn();
  const view = render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <Window api={desktop.api} onOpenSettings={onOpenSettings} />
      </AppStateProvider>
    </MantineProvider>,
  );
  return { state, onOpenSettings, view };
}

const updateStrip = () => screen.queryByRole('status', { name: 'Update' });

describe('desktop menu actions', () => {
  it('"New chat" asks before discarding the conversation, like the button, and Discard clears it', async () => {
    const desktop = fakeDesktop();
    const { state } = renderWindow(desktop, { withMessage: true });
    desktop.menu('new-chat');
    const dialog = await screen.findByRole('dialog', { name: 'Start a new chat?' });
    expect(state.conversation.get().order).toEqual(['u1']);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(state.conversation.get().order).toEqual([]);
  });

  it('"New chat" on an empty conversation has nothing to ask', async () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    // act() runs the menu event's whole update: a dialog it opened would be in the DOM now.
    await act(async () => desktop.menu('new-chat'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Ctrl+Shift+O (the browser shortcut) starts the same flow', async () => {
    const desktop = fakeDesktop();
    renderWindow(desktop, { withMessage: true });
    fireEvent.keyDown(document.documentElement, { key: 'O', code: 'KeyO', ctrlKey: true, shiftKey: true });
    expect(await screen.findByRole('dialog', { name: 'Start a new chat?' })).toBeTruthy();
  });

  it('"Settings…" opens the Settings dialog', () => {
    const desktop = fakeDesktop();
    const { onOpenSettings } = renderWindow(desktop);
    desktop.menu('open-settings');
    expect(onOpenSettings).toHaveBeenCalledTimes(1);
  });

  it('"Check for Updates…" calls update.check and then says what it found, "up to date" included', async () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    desktop.menu('check-for-updates');
    expect(desktop.calls.check).toBe(1);
    desktop.update({ state: 'checking' });
    expect(updateStrip()?.textContent).toContain('Checking for updates…');
    desktop.update({ state: 'not-available' });
    expect(updateStrip()?.textContent).toContain('LightChat is up to date.');
  });

  it('stops listening when the window goes away', () => {
    const desktop = fakeDesktop();
    const { view } = renderWindow(desktop);
    view.unmount();
    expect(desktop.calls.unsubscribed).toBe(2);
  });
});

describe('update notice', () => {
  it('shows nothing while idle, and nothing for the silent check at launch', () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    expect(updateStrip()).toBeNull();
    desktop.update({ state: 'checking' });
    expect(updateStrip()).toBeNull();
    desktop.update({ state: 'not-available' });
    expect(updateStrip()).toBeNull();
  });

  it('names the available version and shows its notes as plain text', () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    desktop.update({ state: 'available', version: '1.4.0', notes: '<p>Faster <b>streaming</b></p>' });
    expect(updateStrip()?.textContent).toContain('LightChat 1.4.0 is available');
    expect(screen.getByText('Faster streaming')).toBeTruthy();
  });

  it('shows the download progress in whole percents', () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    desktop.update({ state: 'downloading', percent: 42.7 });
    expect(updateStrip()?.textContent).toContain('Downloading update 42 %');
    expect(screen.getByRole('progressbar', { name: 'Update download' }).getAttribute('aria-valuenow')).toBe(
      '42.7',
    );
  });

  it('"Restart to update" calls update.install once the update is ready', async () => {
    const desktop = fakeDesktop({ install: { installing: true } });
    renderWindow(desktop);
    desktop.update({ state: 'ready', version: '1.4.0' });
    expect(updateStrip()?.textContent).toContain('LightChat 1.4.0 is ready');
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }));
    expect(await screen.findByText('Restarting LightChat…')).toBeTruthy();
    expect(desktop.calls.install).toBe(1);
  });

  it('shows the refusal when a chat is still streaming, and keeps the button', async () => {
    const message = 'A chat is still streaming: stop it or wait for it to finish, then restart to update.';
    const desktop = fakeDesktop({ install: { installing: false, reason: 'chat_streaming', message } });
    renderWindow(desktop);
    desktop.update({ state: 'ready', version: '1.4.0' });
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }));
    const refusal = await screen.findByText(message);
    expect(refusal.getAttribute('role')).toBe('alert');
    expect(screen.getByRole('button', { name: 'Restart to update' })).toBeTruthy();
  });

  it('a failed install call reads as a sentence, never "[object Object]"', async () => {
    const failure = Object.assign(new Error('The updater could not start the installer.'), {
      data: { errorCode: 'INTERNAL' },
    });
    const desktop = fakeDesktop({ install: failure });
    renderWindow(desktop);
    desktop.update({ state: 'ready', version: '1.4.0' });
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }));
    const line = await screen.findByText(/The updater could not start the installer\./);
    expect(line.textContent).toBe('Something went wrong: The updater could not start the installer.');
    expect(document.body.textContent).not.toContain('[object Object]');
  });

  it('shows an update error as an alert with its message and a way to try again', () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    desktop.update({ state: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' });
    const alert = screen.getByRole('alert', { name: 'Update' });
    expect(alert.textContent).toContain('Update failed: net::ERR_INTERNET_DISCONNECTED');
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(desktop.calls.check).toBe(1);
  });

  it('a dismissed notice stays away until the state changes', () => {
    const desktop = fakeDesktop();
    renderWindow(desktop);
    desktop.update({ state: 'downloading', percent: 10 });
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    desktop.update({ state: 'downloading', percent: 60 });
    expect(updateStrip()).toBeNull();
    desktop.update({ state: 'ready', version: '1.4.0' });
    expect(screen.getByRole('button', { name: 'Restart to update' })).toBeTruthy();
  });
});

describe('local HTTP API notice', () => {
  it('names the busy port and the fix, and opens Settings', async () => {
    const desktop = fakeDesktop({ httpApi: API_PORT_BUSY });
    const { onOpenSettings } = renderWindow(desktop);
    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toContain('could not start on port 8000');
    expect(notice.textContent).toContain('port 8000 is already in use');
    expect(notice.textContent).toContain('change API port (api.port) in Settings');
    fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }));
    expect(onOpenSettings).toHaveBeenCalledTimes(1);
  });

  it('can be dismissed', async () => {
    const desktop = fakeDesktop({ httpApi: API_PORT_BUSY });
    renderWindow(desktop);
    await screen.findByRole('alert');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is not shown when the API runs or is switched off', async () => {
    for (const httpApi of [API_RUNNING, { ...API_RUNNING, enabled: false, running: false, url: null }]) {
      const desktop = fakeDesktop({ httpApi });
      const { view } = renderWindow(desktop);
      await waitFor(() => expect(desktop.calls.status).toBe(1));
      await act(() => Promise.resolve());
      expect(screen.queryByRole('alert')).toBeNull();
      view.unmount();
    }
  });
});
