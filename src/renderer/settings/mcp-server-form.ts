import { MCP_SERVER_NAME, mcpServerConfigSchema, mcpServerName } from '../../domain/mcp-settings';
import type { RedactedMcpServer } from '../../domain/services/mcp-secrets';

/**
 * One MCP server as Settings → Tools edits it (CONTRACT section 11). The values of `env` and
 * `headers` are secrets: a stored one is never sent to the page, only its key ("set"); left empty,
 * the server keeps it.
 */

/** One `env` variable or header: the key as the user wrote it, and a value typed in this form. */
export interface SecretRow {
  key: string;
  /** What the user typed; '' for a stored value left alone. */
  value: string;
  /** The server has a value for this key: an empty `value` keeps it. */
  stored: boolean;
}

export type McpTransport = 'stdio' | 'remote';

export interface McpServerFormValues {
  /** The name it had when loaded (null for a new one): lets the server keep its secrets when renamed. */
  previousName: string | null;
  name: string;
  transport: McpTransport;
  command: string;
  args: string[];
  url: string;
  env: SecretRow[];
  headers: SecretRow[];
  enabled: boolean;
  runWithoutAsking: boolean;
  alwaysAllow: string[];
  neverAllow: string[];
  /** The command or url it had when loaded: changing it drops the stored secrets (the server's rule). */
  loadedTarget: string | null;
}

const rows = (values: Record<string, null>): SecretRow[] =>
  Object.keys(values).map((key) => ({ key, value: '', stored: true }));

export function serverToForm(name: string, server: RedactedMcpServer): McpServerFormValues {
  const transport: McpTransport = server.url !== undefined ? 'remote' : 'stdio';
  return {
    previousName: name,
    name,
    transport,
    command: server.command ?? '',
    args: [...server.args],
    url: server.url ?? '',
    env: rows(server.env),
    headers: rows(server.headers),
    enabled: server.enabled,
    runWithoutAsking: server.runWithoutAsking,
    alwaysAllow: [...server.alwaysAllow],
    neverAllow: [...server.neverAllow],
    loadedTarget: (transport === 'remote' ? server.url : server.command) ?? null,
  };
}

export const newServerForm = (transport: McpTransport = 'stdio'): McpServerFormValues => ({
  previousName: null,
  name: '',
  transport,
  command: '',
  args: [],
  url: '',
  env: [],
  headers: [],
  enabled: true,
  runWithoutAsking: false,
  alwaysAllow: [],
  neverAllow: [],
  loadedTarget: null,
});

/** `{KEY: value}` for the wire: a stored value left empty is `null` (kept), a typed one replaces it. */
function secretsToInput(entries: SecretRow[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const row of entries) {
    // A value without a name is refused by `checkServer` before it gets here.
    if (row.key.trim() === '') continue;
    out[row.key] = row.value === '' && row.stored ? null : row.value;
  }
  return out;
}

/** The server's entry of `mcpServers` in `config.update` (camelCase, secrets as `null` when kept). */
export function serverToInput(form: McpServerFormValues): Record<string, unknown> {
  const stdio = form.transport === 'stdio';
  // Left empty, neither is sent: the schema then says a server needs one of them, and which is which.
  const target = (stdio ? form.command : form.url).trim();
  return {
    ...(target === '' ? {} : stdio ? { command: target } : { url: target }),
    args: stdio ? form.args : [],
    env: stdio ? secretsToInput(form.env) : {},
    headers: stdio ? {} : secretsToInput(form.headers),
    enabled: form.enabled,
    runWithoutAsking: form.runWithoutAsking,
    alwaysAllow: form.alwaysAllow,
    neverAllow: form.neverAllow,
    ...(form.previousName !== null && form.previousName !== form.name
      ? { previousName: form.previousName }
      : {}),
  };
}

export function serversToInput(forms: McpServerFormValues[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(forms.map((form) => [form.name, serverToInput(form)]));
}

/** Whether a changed command (or url) will drop secrets the server holds: they must be typed again. */
export const dropsStoredSecrets = (form: McpServerFormValues): boolean =>
  form.loadedTarget !== null &&
  (form.transport === 'stdio' ? form.command.trim() : form.url.trim()) !== form.loadedTarget &&
  [...form.env, ...form.headers].some((row) => row.stored && row.value === '');

/** A problem with one server, for the user: which server, which field, what to do. */
export interface ServerIssue {
  /** The server's name as the user wrote it ('' for the whole paste). */
  server: string;
  /** The name it gets when that is not the one written ("GitHub" → "github"). */
  savedAs?: string;
  /** The field it is about (`command`, `args`, `env`, `url`, `headers`, `name`); '' for the server itself. */
  field: string;
  message: string;
}

export const issueText = (issue: ServerIssue): string =>
  `${issue.server ? `Server "${issue.server}"` : 'The JSON'}${issue.savedAs ? ` (saved as "${issue.savedAs}")` : ''}${issue.field ? ` → ${issue.field}` : ''}: ${issue.message}`;

/** The stored value's stand-in while validating: the form never has it, the server does. */
const STORED = 'stored';

/**
 * Checks a server the way settings.yaml's schema will (the domain's own zod schema), so that the
 * form names the problem before anything is saved. Returns the issues (none: it is fine).
 */
export function checkServer(form: McpServerFormValues, otherNames: readonly string[]): ServerIssue[] {
  const issues: ServerIssue[] = [];
  const label = form.name || 'new server';
  const add = (field: string, message: string) => issues.push({ server: label, field, message });
  if (form.name === '') add('name', 'give it a name, e.g. files');
  else if (!MCP_SERVER_NAME.test(form.name))
    add('name', `may hold only lowercase letters, digits, "_" and "-": use "${mcpServerName(form.name)}"`);
  else if (otherNames.includes(form.name))
    add('name', `there is already a server named "${form.name}": choose another name`);
  for (const field of ['env', 'headers'] as const) {
    const keys = new Set<string>();
    for (const row of form[field]) {
      if (row.key.trim() === '' && row.value === '') continue;
      if (row.key.trim() === '') add(field, 'a value has no name: type the name, or remove the row');
      else if (keys.has(row.key)) add(field, `"${row.key}" is there twice: keep one`);
      else if (row.value === '' && !row.stored)
        add(field, `"${row.key}" has no value: type it, or remove the row`);
      keys.add(row.key);
    }
  }
  const entry = serverToInput(form);
  delete entry.previousName;
  for (const field of ['env', 'headers'] as const) {
    entry[field] = Object.fromEntries(
      Object.entries(entry[field] as Record<string, string | null>).map(([key, value]) => [
        key,
        value ?? STORED,
      ]),
    );
  }
  const parsed = mcpServerConfigSchema.safeParse(entry);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = typeof issue.path[0] === 'string' ? issue.path[0] : '';
      // A bad key of `env`/`headers` says why in its inner issue ("Invalid key in record" says nothing).
      const message =
        issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      // "needs command or url" is about the field this transport shows.
      add(field || (form.transport === 'stdio' ? 'command' : 'url'), message);
    }
  }
  return issues;
}

/** What a tool may do without the user (CONTRACT section 11); `never` wins over `always`. */
export type ToolRule = 'ask' | 'always' | 'never';

export const toolRule = (form: McpServerFormValues, tool: string): ToolRule =>
  form.neverAllow.includes(tool) ? 'never' : form.alwaysAllow.includes(tool) ? 'always' : 'ask';

export function withToolRule(form: McpServerFormValues, tool: string, rule: ToolRule): McpServerFormValues {
  const without = (list: string[]) => list.filter((name) => name !== tool);
  return {
    ...form,
    alwaysAllow: rule === 'always' ? [...without(form.alwaysAllow), tool] : without(form.alwaysAllow),
    neverAllow: rule === 'never' ? [...without(form.neverAllow), tool] : without(form.neverAllow),
  };
}
