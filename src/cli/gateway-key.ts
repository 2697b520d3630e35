import { homedir } from 'node:os';
import {
  createGatewayKey,
  gatewayKeysPath,
  keyInfo,
  readGatewayKeys,
  revokeGatewayKey,
} from '../adapters/gateway/gateway-keys-file.js';
import { defaultPaths } from '../app/paths.js';
import { toSnakeKeys } from '../domain/casing.js';
import { formatTable } from './table.js';

export interface GatewayKeyFlags {
  config?: string;
  json?: boolean;
}

/**
 * `lightchat gateway-key create NAME | list | revoke NAME` (CONTRACT section 13): works on the
 * `gateway-keys` file next to the settings file, like `lightchat token`, so it needs no running
 * server; a running LightChat sees every change from its next request on.
 */
export async function gatewayKeyCommand(
  action: string,
  name: string | undefined,
  flags: GatewayKeyFlags,
): Promise<number> {
  const settingsPath =
    flags.config ??
    defaultPaths({ platform: process.platform, env: process.env, home: homedir() }).settingsPath;
  const path = gatewayKeysPath(settingsPath);
  try {
    switch (action) {
      case 'create': {
        if (!name) return usage('create needs a name: lightchat gateway-key create NAME');
        const key = await createGatewayKey(path, name);
        console.log(key);
        console.error(
          `lightchat: gateway key "${name}" created. It is shown only this once: paste it into your tool as its OpenAI API key, with the base URL http://127.0.0.1:<port>/v1.`,
        );
        return 0;
      }
      case 'list': {
        const keys = (await readGatewayKeys(path)).map(keyInfo);
        if (flags.json) {
          console.log(JSON.stringify(toSnakeKeys(keys), null, 2));
          return 0;
        }
        if (keys.length === 0) {
          console.log('No gateway keys yet. Create one with `lightchat gateway-key create NAME`.');
          return 0;
        }
        const rows = keys.map((key) => [key.name, key.createdAt, key.lastUsedAt ?? 'never']);
        console.log(formatTable(['NAME', 'CREATED', 'LAST USED'], rows));
        return 0;
      }
      case 'revoke': {
        if (!name) return usage('revoke needs the key name: lightchat gateway-key revoke NAME');
        await revokeGatewayKey(path, name);
        console.error(`lightchat: gateway key "${name}" revoked; running LightChats refuse it from now on.`);
        return 0;
      }
      default:
        return usage(`unknown action "${action}": use create NAME, list or revoke NAME`);
    }
  } catch (error) {
    console.error(`lightchat: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function usage(message: string): number {
  console.error(`lightchat: gateway-key ${message}`);
  return 2;
}
