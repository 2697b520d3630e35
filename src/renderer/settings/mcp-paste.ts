import { mcpServerName } from '../../domain/mcp-settings';
import { checkServer, type McpServerFormValues, newServerForm, type ServerIssue } from './mcp-server-form';

/**
 * Settings → Tools → `Paste JSON`: the MCP servers of another app's config, as new servers of the
 * form. Takes Claude Desktop's `{"mcpServers": {…}}` (also VS Code's `{"servers": {…}}` and a bare
 * `{name: {…}}`); names become LightChat's ("GitHub" → "github"), the keys of `env` and `headers`
 * stay exactly as written. All or nothing: one bad server adds none, and every problem is named.
 */

export interface PastedServers {
  servers: McpServerFormValues[];
  issues: ServerIssue[];
  /** What was understood but is not used (another app's `timeout`…), said once per server. */
  notes: string[];
}

const EXAMPLE =
  '{"mcpServers": {"files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}}}';

/** Keys other apps write that LightChat reads another way, or has no use for. */
const IGNORED_KEYS = new Set(['type', 'transport', 'transportType', 'timeout', 'description', 'autoApprove']);
const SERVER_KEYS = [
  'command',
  'args',
  'env',
  'url',
  'serverUrl',
  'headers',
  'disabled',
  'enabled',
  'alwaysAllow',
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fail = (message: string): PastedServers => ({
  servers: [],
  issues: [{ server: '', field: '', message }],
  notes: [],
});

export function parsePastedServers(text: string, existingNames: readonly string[]): PastedServers {
  if (text.trim() === '') return fail(`paste a JSON object such as ${EXAMPLE}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`it is not valid JSON (${(error as Error).message}). Copy the whole file, braces included.`);
  }
  if (!isRecord(json)) return fail(`expected a JSON object such as ${EXAMPLE}`);
  const map = json.mcpServers ?? json.servers ?? json.mcp_servers ?? json;
  if (!isRecord(map)) return fail(`"mcpServers" must be an object of servers by name, e.g. ${EXAMPLE}`);
  if ('command' in map || 'url' in map) {
    return fail('this is one server without a name: wrap it with one, e.g. {"files": {"command": "npx", …}}');
  }
  const entries = Object.entries(map);
  if (entries.length === 0) return fail(`there is no server in it; expected e.g. ${EXAMPLE}`);

  const servers: McpServerFormValues[] = [];
  const issues: ServerIssue[] = [];
  const notes: string[] = [];
  const taken = [...existingNames];
  for (const [pasted, entry] of entries) {
    const name = mcpServerName(pasted);
    const who = pasted === name ? { server: name } : { server: pasted, savedAs: name };
    const read = readServer(entry);
    issues.push(...read.issues.map((issue) => ({ ...issue, ...who })));
    if (read.ignored.length > 0) {
      notes.push(
        `Server "${name}": ignored ${read.ignored.map((key) => `"${key}"`).join(', ')} (not used by LightChat).`,
      );
    }
    if (!read.form) continue;
    const form = { ...read.form, name };
    if (taken.includes(name)) {
      issues.push({
        ...who,
        field: 'name',
        message: existingNames.includes(name)
          ? `there is already a server named "${name}": rename this one in the JSON, or remove the other first`
          : `another pasted server is also named "${name}": rename one of them in the JSON`,
      });
      continue;
    }
    taken.push(name);
    const problems = checkServer(form, []).map((issue) => ({ ...issue, ...who }));
    issues.push(...problems);
    if (problems.length === 0) servers.push(form);
  }
  return issues.length > 0 ? { servers: [], issues, notes } : { servers, issues: [], notes };
}

/** One pasted server in the form's terms; shapes the schema can't judge (a map that is a list) stop here. */
function readServer(entry: unknown): {
  form?: McpServerFormValues;
  issues: ServerIssue[];
  ignored: string[];
} {
  const issue = (field: string, message: string) => ({
    issues: [{ server: '', field, message }],
    ignored: [],
  });
  if (!isRecord(entry)) {
    return issue('', 'must be an object, e.g. {"command": "npx", "args": ["-y", "some-mcp-server"]}');
  }
  const unknown = Object.keys(entry).filter((key) => !SERVER_KEYS.includes(key) && !IGNORED_KEYS.has(key));
  if (unknown.length > 0) {
    return issue(
      unknown[0] ?? '',
      `LightChat does not know ${unknown.map((key) => `"${key}"`).join(', ')}: a server has "command", "args" and "env" (a program), or "url" and "headers" (a remote server). Remove the rest.`,
    );
  }
  const url = entry.url ?? entry.serverUrl;
  const transport = entry.command === undefined && url !== undefined ? 'remote' : 'stdio';
  const form = newServerForm(transport);
  for (const field of ['command', 'url'] as const) {
    const value = field === 'url' ? url : entry.command;
    if (value === undefined) continue;
    if (typeof value !== 'string')
      return issue(field, `must be text, e.g. ${field === 'url' ? '"https://example.com/mcp"' : '"npx"'}`);
    form[field] = value;
  }
  if (entry.command !== undefined && url !== undefined) {
    return issue(
      'url',
      'has both "command" and "url": keep "command" for a program, or "url" for a remote server',
    );
  }
  if (entry.args !== undefined) {
    if (!Array.isArray(entry.args) || entry.args.some((arg) => typeof arg !== 'string')) {
      return issue(
        'args',
        'must be a list of strings, e.g. ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]',
      );
    }
    form.args = entry.args as string[];
  }
  for (const field of ['env', 'headers'] as const) {
    const values = entry[field];
    if (values === undefined) continue;
    if (!isRecord(values))
      return issue(field, `must be an object of names to values, e.g. {"TOKEN": "abc123"}`);
    const bad = Object.entries(values).find(
      ([, value]) => !['string', 'number', 'boolean'].includes(typeof value),
    );
    if (bad) return issue(field, `the value of "${bad[0]}" must be text, e.g. "${bad[0]}": "abc123"`);
    form[field] = Object.entries(values).map(([key, value]) => ({
      key,
      value: String(value),
      stored: false,
    }));
  }
  if (entry.disabled === true || entry.enabled === false) form.enabled = false;
  const allowed = entry.alwaysAllow ?? entry.autoApprove;
  if (Array.isArray(allowed))
    form.alwaysAllow = allowed.filter((tool): tool is string => typeof tool === 'string');
  const ignored = Object.keys(entry).filter((key) => IGNORED_KEYS.has(key) && key !== 'autoApprove');
  return { form, issues: [], ignored };
}
