import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FILE } from '../../../src/adapters/config/default-settings-file.js';
import { parseSettingsFile } from '../../../src/adapters/config/parse-settings-file.js';
import type { ConfigError } from '../../../src/domain/config-error.js';
import type { Settings } from '../../../src/domain/settings.js';
import { storeAt, tempSettingsFile } from './temp-settings.js';

const settingsOf = (text: string): Settings => {
  const { result } = parseSettingsFile(text);
  if (!result.ok) throw new Error(`expected valid settings: ${result.error.message}`);
  return result.settings;
};
const errorOf = (text: string): ConfigError => {
  const { result } = parseSettingsFile(text);
  if (result.ok) throw new Error('expected an invalid file');
  return result.error;
};

const SERVERS = `tools:
  timeout_s: 20
mcp_servers:
  files_2:
    command: npx
    args: ["-y", "@modelcontextprotocol/server-filesystem", "~/Documents"]
    env:
      SECRET_TOKEN: abc
      my_var: "x"
      PORT: 8080
    run_without_asking: true
  remote-one:
    url: https://example.com/mcp
    headers:
      X-Api-Key: k
    never_allow: [delete_all]
`;

describe('mcp_servers and tools in settings.yaml', () => {
  it('reads names and env/headers keys exactly as written, with the defaults of CONTRACT section 11', () => {
    const settings = settingsOf(SERVERS);
    expect(settings.tools).toEqual({ maxRounds: 8, timeoutS: 20 });
    expect(settings.mcpServers).toEqual({
      files_2: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '~/Documents'],
        env: { SECRET_TOKEN: 'abc', my_var: 'x', PORT: '8080' },
        headers: {},
        enabled: true,
        runWithoutAsking: true,
        alwaysAllow: [],
        neverAllow: [],
      },
      'remote-one': {
        url: 'https://example.com/mcp',
        args: [],
        env: {},
        headers: { 'X-Api-Key': 'k' },
        enabled: true,
        runWithoutAsking: false,
        alwaysAllow: [],
        neverAllow: ['delete_all'],
      },
    });
  });

  it('the default file has tools and an empty mcp_servers', () => {
    const settings = settingsOf(DEFAULT_SETTINGS_FILE);
    expect(settings.tools).toEqual({ maxRounds: 8, timeoutS: 60 });
    expect(settings.mcpServers).toEqual({});
  });

  it.each([
    [
      'a name with capitals',
      'mcp_servers:\n  GitHub:\n    url: https://example.com/mcp\n',
      'mcp_servers.GitHub: server name "GitHub" may hold only lowercase letters, digits, "_" and "-": rename it to "github"',
      2,
    ],
    [
      'neither command nor url',
      'mcp_servers:\n  files:\n    args: [a]\n',
      'mcp_servers.files: needs "command" (a program LightChat starts, e.g. command: npx) or "url" (a remote server, e.g. url: https://example.com/mcp)',
      2,
    ],
    [
      'both command and url',
      'mcp_servers:\n  files:\n    command: npx\n    url: https://example.com/mcp\n',
      'mcp_servers.files.url: has both "command" and "url": keep "command" for a program LightChat starts, or "url" for a remote server',
      4,
    ],
    [
      'headers on a program',
      'mcp_servers:\n  files:\n    command: npx\n    headers: {A: b}\n',
      'mcp_servers.files.headers: headers only apply to a remote server with "url"; a "command" server takes "env"',
      4,
    ],
    [
      'a url that is not http',
      'mcp_servers:\n  remote:\n    url: ftp://example.com\n',
      'mcp_servers.remote.url: url must be an http:// or https:// URL, e.g. https://example.com/mcp',
      3,
    ],
    [
      'an env value that is a list',
      'mcp_servers:\n  files:\n    command: npx\n    env:\n      TOKEN: [a, b]\n',
      'mcp_servers.files.env.TOKEN: env values must be text, e.g. TOKEN: "abc123"',
      5,
    ],
    [
      'a misspelt key',
      'mcp_servers:\n  files:\n    command: npx\n    always_alow: [x]\n',
      'mcp_servers.files: unknown key "always_alow"',
      4,
    ],
    [
      'a zero tool timeout',
      'tools:\n  timeout_s: 0\n',
      'tools.timeout_s: timeout_s must be a number of seconds above 0, e.g. 60',
      2,
    ],
  ])('%s is an error that names the place and the fix', (_what, text, message, line) => {
    expect(errorOf(text)).toMatchObject({ message, line });
  });

  it('saves a new server into the default file as a block, keys verbatim, and reads it back', async () => {
    const { path } = await tempSettingsFile(DEFAULT_SETTINGS_FILE);
    const store = storeAt(path);
    const snapshot = await store.load();
    if (!snapshot.ok) throw new Error(snapshot.error.message);
    const next: Settings = {
      ...snapshot.settings,
      mcpServers: settingsOf(SERVERS).mcpServers,
    };
    await store.save(next, { expectedRevision: snapshot.revision });
    const text = await readFile(path, 'utf8');
    expect(settingsOf(text)).toEqual(next);
    expect(text).toContain('mcp_servers:\n  # tool servers (MCP)');
    expect(text).toContain('  files_2:\n    command: npx\n');
    expect(text).toContain('      SECRET_TOKEN: abc\n      my_var: x\n');
    expect(text).toContain('      X-Api-Key: k\n');
    expect(text).not.toMatch(/enabled: true\n\s+run_without_asking/);
    expect(text).not.toContain('{}');
  });

  it('an edit of an approval list keeps the flow style, the comments and the other servers as written', async () => {
    const written = SERVERS.replace(
      '    never_allow: [delete_all]\n',
      '    never_allow: [delete_all]   # careful\n',
    );
    const { path } = await tempSettingsFile(written);
    const store = storeAt(path);
    const snapshot = await store.load();
    if (!snapshot.ok) throw new Error(snapshot.error.message);
    const remote = snapshot.settings.mcpServers['remote-one'];
    if (!remote) throw new Error('fixture');
    const next: Settings = {
      ...snapshot.settings,
      mcpServers: {
        ...snapshot.settings.mcpServers,
        'remote-one': { ...remote, neverAllow: ['delete_all', 'drop_table'] },
      },
    };
    await store.save(next, { expectedRevision: snapshot.revision });
    const text = await readFile(path, 'utf8');
    expect(text).toBe(
      written.replace(
        'never_allow: [delete_all]   # careful',
        'never_allow: [ delete_all, drop_table ] # careful',
      ),
    );
  });
});
