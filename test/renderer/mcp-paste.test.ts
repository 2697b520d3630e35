import { describe, expect, it } from 'vitest';
import { parsePastedServers } from '../../src/renderer/settings/mcp-paste';
import { issueText, serverToInput } from '../../src/renderer/settings/mcp-server-form';

/** Claude Desktop's claude_desktop_config.json, as its documentation shows it. */
const CLAUDE_DESKTOP = JSON.stringify({
  mcpServers: {
    filesystem: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'],
    },
    GitHub: {
      command: 'docker',
      args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_secret', lower_case_Key: 'x' },
    },
  },
});

const texts = (text: string, existing: string[] = []) =>
  parsePastedServers(text, existing).issues.map(issueText);

describe('Paste JSON (Claude Desktop mcpServers)', () => {
  it('reads Claude Desktop’s mcpServers: names reduced ("GitHub" → "github"), env keys verbatim', () => {
    const pasted = parsePastedServers(CLAUDE_DESKTOP, []);
    expect(pasted.issues).toEqual([]);
    expect(pasted.servers.map((server) => server.name)).toEqual(['filesystem', 'github']);
    const github = serverToInput(pasted.servers[1]!);
    expect(github).toEqual({
      command: 'docker',
      args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'ghcr.io/github/github-mcp-server'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_secret', lower_case_Key: 'x' },
      headers: {},
      enabled: true,
      runWithoutAsking: false,
      alwaysAllow: [],
      neverAllow: [],
    });
  });

  it('takes a bare {name: {...}} map and remote servers with headers', () => {
    const pasted = parsePastedServers(
      JSON.stringify({
        'My Remote': { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer abc' } },
      }),
      [],
    );
    expect(pasted.issues).toEqual([]);
    expect(pasted.servers[0]!.name).toBe('my-remote');
    expect(serverToInput(pasted.servers[0]!)).toMatchObject({
      url: 'https://example.com/mcp',
      headers: { Authorization: 'Bearer abc' },
    });
  });

  it('names the server, the field and the fix for each problem, and adds none of them', () => {
    const pasted = parsePastedServers(
      JSON.stringify({
        mcpServers: {
          Good: { command: 'npx', args: ['x'] },
          Broken: { command: 'npx', args: '-y some-server' },
          nothing: { env: { A: 'b' } },
          web: { url: 'ftp://example.com' },
        },
      }),
      [],
    );
    expect(pasted.servers).toEqual([]);
    const lines = pasted.issues.map(issueText);
    expect(lines).toContain(
      'Server "Broken" (saved as "broken") → args: must be a list of strings, e.g. ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]',
    );
    expect(lines.some((line) => line.startsWith('Server "nothing" → command: needs "command"'))).toBe(true);
    expect(
      lines.some((line) => line.startsWith('Server "web" → url: url must be an http:// or https:// URL')),
    ).toBe(true);
  });

  it('says what is wrong with text that is not JSON, a lone server, an empty map, and unknown keys', () => {
    expect(texts('{"mcpServers": {')[0]).toMatch(/^The JSON: it is not valid JSON \(.+\)/);
    expect(texts('{"command": "npx"}')[0]).toContain('one server without a name');
    expect(texts('{"mcpServers": {}}')[0]).toContain('there is no server in it');
    expect(texts('[1, 2]')[0]).toContain('expected a JSON object');
    expect(texts('{"files": {"command": "npx", "cwd": "/tmp"}}')[0]).toBe(
      'Server "files" → cwd: LightChat does not know "cwd": a server has "command", "args" and "env" (a program), or "url" and "headers" (a remote server). Remove the rest.',
    );
    expect(texts('{"files": {"command": "npx", "env": {"PORT": {"n": 1}}}}')[0]).toBe(
      'Server "files" → env: the value of "PORT" must be text, e.g. "PORT": "abc123"',
    );
  });

  it('refuses a name already taken, here or twice in the paste', () => {
    expect(texts('{"Files": {"command": "npx"}}', ['files'])[0]).toBe(
      'Server "Files" (saved as "files") → name: there is already a server named "files": rename this one in the JSON, or remove the other first',
    );
    expect(texts('{"A b": {"command": "x"}, "a-b": {"command": "y"}}')[0]).toContain(
      'another pasted server is also named "a-b"',
    );
  });

  it("keeps another app's disabled flag and auto-approved tools, and says which keys it ignored", () => {
    const pasted = parsePastedServers(
      JSON.stringify({
        mcpServers: {
          cline: { command: 'node', disabled: true, autoApprove: ['read'], timeout: 60, type: 'stdio' },
        },
      }),
      [],
    );
    expect(pasted.issues).toEqual([]);
    expect(serverToInput(pasted.servers[0]!)).toMatchObject({ enabled: false, alwaysAllow: ['read'] });
    expect(pasted.notes).toEqual(['Server "cline": ignored "timeout", "type" (not used by LightChat).']);
  });
});
