import { join, win32 } from 'node:path';

export interface LightChatPaths {
  settingsPath: string;
  logDir: string;
  /** History and attachments (`lightchat.db`). */
  dataDir: string;
}

export interface PathsEnvironment {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

/** The one table of OS paths (CONTRACT section 1), used by `serve` and the desktop app alike. */
export function defaultPaths({ platform, env, home }: PathsEnvironment): LightChatPaths {
  if (platform === 'darwin') {
    return {
      settingsPath: join(home, 'Library', 'Application Support', 'LightChat', 'settings.yaml'),
      logDir: join(home, 'Library', 'Logs', 'LightChat'),
      dataDir: join(home, 'Library', 'Application Support', 'LightChat'),
    };
  }
  if (platform === 'win32') {
    const appData = env.APPDATA || win32.join(home, 'AppData', 'Roaming');
    const localAppData = env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local');
    return {
      settingsPath: win32.join(appData, 'LightChat', 'settings.yaml'),
      logDir: win32.join(localAppData, 'LightChat', 'logs'),
      dataDir: win32.join(appData, 'LightChat'),
    };
  }
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  const state = env.XDG_STATE_HOME || join(home, '.local', 'state');
  const data = env.XDG_DATA_HOME || join(home, '.local', 'share');
  return {
    settingsPath: join(config, 'LightChat', 'settings.yaml'),
    logDir: join(state, 'LightChat', 'logs'),
    dataDir: join(data, 'LightChat'),
  };
}
