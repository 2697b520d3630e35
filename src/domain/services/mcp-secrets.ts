import type { McpServerConfig, McpServers } from '../mcp-settings.js';
import { sameUrl } from '../settings.js';

/**
 * The values of an MCP server's `env` and `headers` are secrets (CONTRACT sections 4 and 11): views show
 * each key with `null`, and a `PUT` that sends `null` back keeps the stored value.
 */
export type RedactedMcpServer = Omit<McpServerConfig, 'env' | 'headers'> & {
  env: Record<string, null>;
  headers: Record<string, null>;
};

const hidden = (values: Record<string, string>): Record<string, null> =>
  Object.fromEntries(Object.keys(values).map((key) => [key, null]));

export const redactMcpServers = (servers: McpServers): Record<string, RedactedMcpServer> =>
  Object.fromEntries(
    Object.entries(servers).map(([name, server]) => [
      name,
      { ...server, env: hidden(server.env), headers: hidden(server.headers) },
    ]),
  );

/** A key a `GET /config` adds to let a renamed server keep its secrets; never stored. */
const PREVIOUS_NAME = 'previousName';

/**
 * `mcpServers` of a `PUT` with the stored secrets put back: `{KEY: null}` keeps the stored value, `""`
 * clears it, a map left out keeps them all. A secret belongs to its program (`command`) or server
 * (`url`): when that changed, stored values are dropped unless sent again.
 */
export function mergeMcpSecrets(stored: McpServers, sent: unknown): unknown {
  if (!isRecord(sent)) return sent;
  return Object.fromEntries(
    Object.entries(sent).map(([name, entry]) => {
      if (!isRecord(entry)) return [name, entry];
      const { [PREVIOUS_NAME]: previous, ...server } = entry;
      const before = stored[typeof previous === 'string' ? previous : name];
      const from = before && sameServer(before, server) ? before : undefined;
      for (const key of ['env', 'headers'] as const) {
        const merged = mergeValues(from?.[key], server[key]);
        if (merged === undefined) delete server[key];
        else server[key] = merged;
      }
      return [name, server];
    }),
  );
}

function mergeValues(stored: Record<string, string> | undefined, sent: unknown): unknown {
  if (sent === undefined) return stored;
  if (!isRecord(sent)) return sent;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sent)) {
    if (value === '') continue;
    if (value === null) {
      if (stored?.[key] !== undefined) out[key] = stored[key];
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** Same program (`command`) or same remote server (`url`, respelled or not). */
function sameServer(stored: McpServerConfig, sent: Record<string, unknown>): boolean {
  if (stored.command !== undefined)
    return typeof sent.command === 'string' && sent.command.trim() === stored.command;
  if (stored.url !== undefined) return typeof sent.url === 'string' && sameUrl(sent.url, stored.url);
  return false;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
