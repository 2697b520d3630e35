import { homedir } from 'node:os';
import { apiTokenPath, readApiTokenFile } from '../adapters/config/api-token-file.js';
import { defaultPaths } from '../app/paths.js';
import { isLoopbackUrl } from '../domain/settings.js';

export interface TokenSource {
  /** The server the token is for. */
  url: string;
  /** Given by the caller: wins over everything else. */
  token?: string;
  /** The settings file whose `api-token` to read (default: `LIGHTCHAT_CONFIG`, else the OS path). */
  settingsPath?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The API token for a request (CONTRACT section 4): the caller's, else `LIGHTCHAT_TOKEN`, else the
 * token file next to the settings file. The file is read on every call, so a rotation is followed,
 * and only for a loopback server: the local token is never sent to another machine.
 */
export async function findApiToken(source: TokenSource): Promise<string | undefined> {
  const env = source.env ?? process.env;
  const given = source.token ?? env.LIGHTCHAT_TOKEN;
  if (given) return given;
  if (!isLoopbackUrl(source.url)) return undefined;
  const settingsPath =
    source.settingsPath ??
    (env.LIGHTCHAT_CONFIG || defaultPaths({ platform: process.platform, env, home: homedir() }).settingsPath);
  const found = await readApiTokenFile(apiTokenPath(settingsPath), { checkOwner: false }).catch(
    () => undefined,
  );
  return found?.kind === 'ok' ? found.token : undefined;
}
