import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  about(): void;
  settings(): void;
  checkForUpdates(): void;
  newChat(): void;
  /** The web UI in the default browser, through the link that carries the API token. */
  openInBrowser(): void;
}

/**
 * The native menu: About, Settings… (Cmd+,), Check for Updates…, New Chat (Cmd+N), Open in Browser, and the
 * standard Edit/View/Window menus on macOS (their roles give copy/paste and window shortcuts).
 */
export function menuTemplate(input: {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  actions: MenuActions;
}): MenuItemConstructorOptions[] {
  const { actions } = input;
  const newChat: MenuItemConstructorOptions = {
    label: 'New Chat',
    accelerator: 'CmdOrCtrl+N',
    click: () => actions.newChat(),
  };
  const openInBrowser: MenuItemConstructorOptions = {
    label: 'Open in Browser',
    click: () => actions.openInBrowser(),
  };
  const settings: MenuItemConstructorOptions = {
    label: 'Settings…',
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.settings(),
  };
  const checkForUpdates: MenuItemConstructorOptions = {
    label: 'Check for Updates…',
    click: () => actions.checkForUpdates(),
  };
  const about: MenuItemConstructorOptions = { label: 'About LightChat', click: () => actions.about() };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(input.isPackaged
        ? []
        : ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  if (input.platform === 'darwin') {
    return [
      {
        label: 'LightChat',
        submenu: [
          about,
          { type: 'separator' },
          settings,
          checkForUpdates,
          { type: 'separator' },
          { role: 'services' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { label: 'File', submenu: [newChat, openInBrowser, { type: 'separator' }, { role: 'close' }] },
      { role: 'editMenu' },
      view,
      { role: 'windowMenu' },
    ];
  }
  return [
    { label: 'File', submenu: [newChat, openInBrowser, settings, { type: 'separator' }, { role: 'quit' }] },
    { role: 'editMenu' },
    view,
    { label: 'Help', submenu: [checkForUpdates, { type: 'separator' }, about] },
  ];
}
