import { z } from 'zod';

/**
 * `tools` and `mcp_servers` of settings.yaml (CONTRACT sections 2 and 11), in camelCase. Server names and
 * the keys of `env` and `headers` are the user's own: `casing.ts` never maps them.
 */

/** Longest timer a setting may ask for: `setTimeout` fires at once past 2^31−1 ms. */
const MAX_TIMER_S = Math.floor((2 ** 31 - 1) / 1000);

export const DEFAULT_TOOL_TIMEOUT_S = 60;
export const DEFAULT_TOOL_MAX_ROUNDS = 8;

export const toolsSettingsSchema = z.strictObject({
  maxRounds: z
    .number()
    .int('max_rounds must be a whole number, e.g. 8')
    .min(1, 'max_rounds must be at least 1')
    .max(100, 'max_rounds must be at most 100')
    .default(DEFAULT_TOOL_MAX_ROUNDS),
  timeoutS: z
    .number()
    .positive('timeout_s must be a number of seconds above 0, e.g. 60')
    .max(MAX_TIMER_S, `timeout_s must be at most ${MAX_TIMER_S} seconds`)
    .default(DEFAULT_TOOL_TIMEOUT_S),
});
export type ToolsSettings = z.infer<typeof toolsSettingsSchema>;

export const MCP_SERVER_NAME = /^[a-z0-9_-]+$/;

/** A name pasted from another app's config ("GitHub", "My Server") as LightChat spells it ("github", "my-server"). */
export function mcpServerName(pasted: string): string {
  const name = pasted
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'server' : name;
}

/** YAML reads `PORT: 8080` as a number and `DEBUG: true` as a boolean; a program's environment holds text. */
const secretValue = (what: string) =>
  z
    .union([z.string(), z.number(), z.boolean()], {
      message: `${what} values must be text, e.g. TOKEN: "abc123"`,
    })
    .transform(String);

const ENV_NAME = /^[^=\0]+$/;
/** HTTP's token characters (RFC 9110): what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const secretMap = (what: 'env' | 'headers', key: RegExp, keyHint: string) =>
  z
    .record(z.string().regex(key, keyHint), secretValue(what), {
      message: `${what} must be a map of names to values, e.g. ${what === 'env' ? 'GITHUB_TOKEN: "ghp_…"' : 'Authorization: "Bearer …"'}`,
    })
    .default({});

const stringList = (what: string, example: string) =>
  z.array(z.string(), { message: `${what} must be a list of strings, e.g. ${example}` }).default([]);

export const mcpServerConfigSchema = z
  .strictObject({
    /** A stdio server: the program LightChat starts. */
    command: z.string().trim().min(1, 'command must name the program to start, e.g. npx').optional(),
    args: stringList('args', '["-y", "@modelcontextprotocol/server-filesystem", "~/Documents"]'),
    env: secretMap('env', ENV_NAME, 'an environment variable name may not be empty or hold "="'),
    /** A remote server: Streamable HTTP, falling back to the older SSE transport. */
    url: z
      .string()
      .trim()
      .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
        message: 'url must be an http:// or https:// URL, e.g. https://example.com/mcp',
      })
      .optional(),
    headers: secretMap(
      'headers',
      HEADER_NAME,
      "a header name may hold only letters, digits and -_.!#$%&'*+^`|~",
    ),
    enabled: z.boolean().default(true),
    /** This server's tools run without asking — not tools it adds later (they are not in `always_allow`). */
    runWithoutAsking: z.boolean().default(false),
    alwaysAllow: stringList('always_allow', '[read_file]'),
    neverAllow: stringList('never_allow', '[write_file]'),
  })
  .superRefine((server, ctx) => {
    if (server.command === undefined && server.url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'needs "command" (a program LightChat starts, e.g. command: npx) or "url" (a remote server, e.g. url: https://example.com/mcp)',
      });
    }
    if (server.command !== undefined && server.url !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message:
          'has both "command" and "url": keep "command" for a program LightChat starts, or "url" for a remote server',
      });
    }
    if (server.url !== undefined) {
      for (const key of ['args', 'env'] as const) {
        if (Object.keys(server[key]).length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `${key} only applies to a server LightChat starts with "command"; a "url" server takes "headers"`,
          });
        }
      }
    }
    if (server.command !== undefined && Object.keys(server.headers).length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers'],
        message: 'headers only apply to a remote server with "url"; a "command" server takes "env"',
      });
    }
  });
export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;

export const mcpServersSchema = z.record(z.string(), mcpServerConfigSchema).default({});
export type McpServers = z.infer<typeof mcpServersSchema>;

/** Issues for server names LightChat does not accept, each with the name to use instead. */
export function mcpServerNameIssues(servers: McpServers): { path: string[]; message: string }[] {
  return Object.keys(servers)
    .filter((name) => !MCP_SERVER_NAME.test(name))
    .map((name) => ({
      path: ['mcpServers', name],
      message: `server name "${name}" may hold only lowercase letters, digits, "_" and "-": rename it to "${mcpServerName(name)}"`,
    }));
}

/** The values `env` and `headers` hold: secrets, kept out of logs, errors and API answers. */
export const mcpSecretValues = (server: McpServerConfig): string[] =>
  [...Object.values(server.env), ...Object.values(server.headers)].filter((value) => value !== '');

/** A stdio server or a remote one. */
export const isStdioServer = (server: McpServerConfig): server is McpServerConfig & { command: string } =>
  server.command !== undefined;
