import { homedir } from 'node:os';
import { apiTokenPath, ensureApiToken, rotateApiToken } from '../adapters/config/api-token-file.js';
import { defaultPaths } from '../app/paths.js';
import type { TokenFlags } from './main.js';

/**
 * `lightchat token [--rotate]`: prints the API token (CONTRACT section 4), for scripts and for the
 * link `http://127.0.0.1:<port>/#token=<token>`. A rotation is one atomic file replace; every running
 * LightChat on that settings file watches the file and switches within 1 s.
 */
export async function printToken(flags: TokenFlags): Promise<number> {
  const settingsPath =
    flags.config ??
    defaultPaths({ platform: process.platform, env: process.env, home: homedir() }).settingsPath;
  const path = apiTokenPath(settingsPath);
  if (flags.rotate) {
    console.log(await rotateApiToken(path));
    console.error(`lightchat: a new API token is in ${path}; running LightChats use it within a second.`);
    return 0;
  }
  const { token, replaced } = await ensureApiToken(path);
  if (replaced) console.error(`lightchat: ${path} was refused (${replaced}) and replaced with a new token.`);
  console.log(token);
  return 0;
}
