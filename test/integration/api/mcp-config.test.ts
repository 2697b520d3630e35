import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support.js';

/** Two servers, both disabled so that no program is started by these tests. */
const MCP_LINES = [
  'mcp_servers:',
  '  my_files:                  # "_" in a name stays as it is',
  '    command: node',
  '    args: [server.js, --root, /tmp]',
  '    env:',
  '      SECRET_TOKEN: "env-secret-value-1"',
  '      lower_key: "env-secret-value-2"',
  '    enabled: false',
  '    always_allow: [read_file]',
  '  remote:',
  '    url: http://127.0.0.1:9/mcp',
  '    headers:',
  '      X-Api-Key: "header-secret-value"',
  '    enabled: false',
];
const SECRETS = ['env-secret-value-1', 'env-secret-value-2', 'header-secret-value'];

let world: World;
afterEach(() => world.close());

type WireConfig = {
  revision: string;
  mcp_servers: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
};

const getConfig = async () =>
  (await (await fetch(`${world.url}/config`, { headers: world.auth })).json()) as WireConfig;
const putConfig = (body: unknown) =>
  fetch(`${world.url}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...world.auth },
    body: JSON.stringify(body),
  });
const settingsFile = () => readFile(world.settingsPath, 'utf8');

describe('mcp_servers over GET and PUT /config', () => {
  it('shows server names and env/headers keys as written, every secret value replaced by null', async () => {
    world = await startWorld({ settingsLines: MCP_LINES });
    const response = await fetch(`${world.url}/config`, { headers: world.auth });
    const text = await response.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const config = JSON.parse(text) as WireConfig;
    expect(config.tools).toEqual({ max_rounds: 8, timeout_s: 60 });
    expect(config.mcp_servers).toEqual({
      my_files: {
        command: 'node',
        args: ['server.js', '--root', '/tmp'],
        env: { SECRET_TOKEN: null, lower_key: null },
        headers: {},
        enabled: false,
        run_without_asking: false,
        always_allow: ['read_file'],
        never_allow: [],
      },
      remote: {
        url: 'http://127.0.0.1:9/mcp',
        args: [],
        env: {},
        headers: { 'X-Api-Key': null },
        enabled: false,
        run_without_asking: false,
        always_allow: [],
        never_allow: [],
      },
    });
  });

  it('GET → PUT unchanged keeps every secret and the file as written', async () => {
    world = await startWorld({ settingsLines: MCP_LINES });
    const before = await settingsFile();
    const response = await putConfig(await getConfig());
    expect(response.status).toBe(200);
    expect(await settingsFile()).toBe(before);
  });

  it('null keeps a stored value, "" clears it, a new value is written with its key verbatim', async () => {
    world = await startWorld({ settingsLines: MCP_LINES });
    const config = await getConfig();
    const files = config.mcp_servers.my_files as Record<string, unknown>;
    files.env = { SECRET_TOKEN: '', lower_key: null, NEW_Key_2: 'new-secret-value' };
    files.always_allow = ['read_file', 'list_directory'];
    const response = await putConfig(config);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('new-secret-value');
    expect((JSON.parse(text) as WireConfig).mcp_servers.my_files?.env).toEqual({
      lower_key: null,
      NEW_Key_2: null,
    });
    const file = await settingsFile();
    expect(file).not.toContain('SECRET_TOKEN');
    expect(file).toContain('lower_key: "env-secret-value-2"');
    expect(file).toContain('NEW_Key_2: new-secret-value');
    expect(file).toContain('always_allow: [ read_file, list_directory ]');
    expect(file).toContain('"_" in a name stays as it is');
  });

  it('a changed command or url drops the stored env and headers values unless they are sent again', async () => {
    world = await startWorld({ settingsLines: MCP_LINES });
    const config = await getConfig();
    (config.mcp_servers.my_files as Record<string, unknown>).command = 'python3';
    (config.mcp_servers.remote as Record<string, unknown>).url = 'http://127.0.0.1:10/mcp';
    (config.mcp_servers.remote as Record<string, unknown>).headers = {
      'X-Api-Key': null,
      Authorization: 'Bearer sent-again-value',
    };
    const response = await putConfig(config);
    expect(response.status).toBe(200);
    const file = await settingsFile();
    for (const secret of SECRETS) expect(file).not.toContain(secret);
    expect(file).toContain('Authorization: Bearer sent-again-value');
    expect((await getConfig()).mcp_servers).toMatchObject({
      my_files: { command: 'python3', env: {} },
      remote: { headers: { Authorization: null } },
    });
  });

  it('a server added by PUT is written as a block, its keys verbatim, without keys left at their defaults', async () => {
    world = await startWorld();
    const config = await getConfig();
    config.mcp_servers = {
      files: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp-added-secret' },
        enabled: false,
      },
    };
    const response = await putConfig(config);
    expect(response.status).toBe(200);
    const file = await settingsFile();
    expect(file).toContain(
      [
        'mcp_servers:',
        '  files:',
        '    command: npx',
        '    args:',
        '      - -y',
        '      - "@modelcontextprotocol/server-filesystem"',
        '      - /tmp',
        '    env:',
        '      GITHUB_PERSONAL_ACCESS_TOKEN: ghp-added-secret',
        '    enabled: false',
      ].join('\n'),
    );
    const logs = await (await fetch(`${world.url}/logs`, { headers: world.auth })).text();
    expect(logs).not.toContain('ghp-added-secret');
  });

  it('names the server whose name is not allowed, with the name to use', async () => {
    world = await startWorld();
    const config = await getConfig();
    config.mcp_servers = { GitHub: { url: 'https://example.com/mcp' } };
    const response = await putConfig(config);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error_code: string; details: { issues: unknown[] } };
    expect(body.error_code).toBe('CONFIG_INVALID');
    expect(body.details.issues).toContainEqual({
      path: ['mcp_servers', 'GitHub'],
      message:
        'server name "GitHub" may hold only lowercase letters, digits, "_" and "-": rename it to "github"',
    });
  });

  it('with the API token off (--no-auth), mcp_servers can only be changed in the file', async () => {
    world = await startWorld({ settingsLines: MCP_LINES, noAuth: true });
    const before = await settingsFile();
    const config = await getConfig();
    (config.mcp_servers.my_files as Record<string, unknown>).enabled = true;
    const refused = await putConfig(config);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({
      error_code: 'CONFIG_INVALID',
      details: { issues: [{ path: ['mcp_servers'] }] },
    });
    expect(await settingsFile()).toBe(before);

    const other = await getConfig();
    const allowed = await putConfig({ ...other, log_max_files: 4 });
    expect(allowed.status).toBe(200);
    expect(await settingsFile()).toContain('env-secret-value-1');
  });
});
