import { describe, expect, it } from 'vitest';
import { defaultPaths } from '../../src/app/paths.js';

describe('the one table of OS paths (CONTRACT section 1)', () => {
  it('macOS: Application Support for settings, Library/Logs for logs', () => {
    expect(defaultPaths({ platform: 'darwin', env: {}, home: '/Users/ada' })).toEqual({
      settingsPath: '/Users/ada/Library/Application Support/LightChat/settings.yaml',
      logDir: '/Users/ada/Library/Logs/LightChat',
      dataDir: '/Users/ada/Library/Application Support/LightChat',
    });
  });

  it('Linux: XDG config and state homes, with their defaults', () => {
    expect(defaultPaths({ platform: 'linux', env: {}, home: '/home/ada' })).toEqual({
      settingsPath: '/home/ada/.config/LightChat/settings.yaml',
      logDir: '/home/ada/.local/state/LightChat/logs',
      dataDir: '/home/ada/.local/share/LightChat',
    });
    expect(
      defaultPaths({
        platform: 'linux',
        env: { XDG_CONFIG_HOME: '/x/conf', XDG_STATE_HOME: '/x/state', XDG_DATA_HOME: '/x/data' },
        home: '/home/ada',
      }),
    ).toEqual({
      settingsPath: '/x/conf/LightChat/settings.yaml',
      logDir: '/x/state/LightChat/logs',
      dataDir: '/x/data/LightChat',
    });
  });

  it('Windows: %APPDATA% for settings, %LOCALAPPDATA% for logs', () => {
    expect(
      defaultPaths({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
        home: 'C:\\Users\\ada',
      }),
    ).toEqual({
      settingsPath: 'C:\\Users\\ada\\AppData\\Roaming\\LightChat\\settings.yaml',
      logDir: 'C:\\Users\\ada\\AppData\\Local\\LightChat\\logs',
      dataDir: 'C:\\Users\\ada\\AppData\\Roaming\\LightChat',
    });
  });
});
