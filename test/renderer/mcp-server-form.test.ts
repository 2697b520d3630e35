import { describe, expect, it } from 'vitest';
import type { RedactedMcpServer } from '../../src/domain/services/mcp-secrets';
import {
  checkServer,
  dropsStoredSecrets,
  issueText,
  newServerForm,
  serverToForm,
  serverToInput,
  toolRule,
  withToolRule,
} from '../../src/renderer/settings/mcp-server-form';

const stored: RedactedMcpServer = {
  command: 'npx',
  args: ['-y', '@modelcontextprotocol/server-github'],
  env: { GITHUB_TOKEN: null, SECRET_TOKEN: null },
  headers: {},
  enabled: true,
  runWithoutAsking: false,
  alwaysAllow: ['search'],
  neverAllow: ['delete_repo'],
};

describe('an MCP server in the Settings form', () => {
  it('sends a stored secret back as null (kept), a typed one as typed, and a removed row not at all', () => {
    const form = serverToForm('github', stored);
    expect(form.env).toEqual([
      { key: 'GITHUB_TOKEN', value: '', stored: true },
      { key: 'SECRET_TOKEN', value: '', stored: true },
    ]);
    expect(serverToInput(form)).toEqual({ ...stored });
    const edited = { ...form, env: [{ key: 'GITHUB_TOKEN', value: 'ghp_new', stored: true }] };
    expect(serverToInput(edited).env).toEqual({ GITHUB_TOKEN: 'ghp_new' });
  });

  it('a renamed server carries its previous name, so the server keeps its secrets', () => {
    const form = { ...serverToForm('github', stored), name: 'gh' };
    expect(serverToInput(form)).toMatchObject({ previousName: 'github' });
  });

  it('says when a changed command will drop the stored values', () => {
    const form = serverToForm('github', stored);
    expect(dropsStoredSecrets(form)).toBe(false);
    expect(dropsStoredSecrets({ ...form, command: 'uvx' })).toBe(true);
    const retyped = {
      ...form,
      command: 'uvx',
      env: form.env.map((row) => ({ ...row, value: 'again' })),
    };
    expect(dropsStoredSecrets(retyped)).toBe(false);
  });

  it('approval per tool: one of ask, always allow, never allow; never wins', () => {
    const form = serverToForm('github', stored);
    expect(toolRule(form, 'search')).toBe('always');
    expect(toolRule(form, 'delete_repo')).toBe('never');
    expect(toolRule(form, 'list_issues')).toBe('ask');
    expect(toolRule({ ...form, alwaysAllow: ['x'], neverAllow: ['x'] }, 'x')).toBe('never');
    const moved = withToolRule(form, 'search', 'never');
    expect(moved.alwaysAllow).toEqual([]);
    expect(moved.neverAllow).toEqual(['delete_repo', 'search']);
    const asked = withToolRule(moved, 'delete_repo', 'ask');
    expect(asked.neverAllow).toEqual(['search']);
  });

  it('checks a new server with the settings schema: which field, and how to fix it', () => {
    const lines = (form = newServerForm(), others: string[] = []) => checkServer(form, others).map(issueText);
    expect(lines()).toEqual([
      'Server "new server" → name: give it a name, e.g. files',
      'Server "new server" → command: needs "command" (a program LightChat starts, e.g. command: npx) or "url" (a remote server, e.g. url: https://example.com/mcp)',
    ]);
    expect(lines({ ...newServerForm(), name: 'My Files', command: 'npx' })).toEqual([
      'Server "My Files" → name: may hold only lowercase letters, digits, "_" and "-": use "my-files"',
    ]);
    expect(lines({ ...newServerForm(), name: 'files', command: 'npx' }, ['files'])).toEqual([
      'Server "files" → name: there is already a server named "files": choose another name',
    ]);
    expect(
      lines({
        ...newServerForm(),
        name: 'files',
        command: 'npx',
        env: [
          { key: 'TOKEN', value: '', stored: false },
          { key: '', value: 'orphan', stored: false },
          { key: 'A=B', value: 'x', stored: false },
        ],
      }),
    ).toEqual([
      'Server "files" → env: "TOKEN" has no value: type it, or remove the row',
      'Server "files" → env: a value has no name: type the name, or remove the row',
      'Server "files" → env: an environment variable name may not be empty or hold "="',
    ]);
    expect(lines({ ...newServerForm('remote'), name: 'web', url: 'example.com/mcp' })).toEqual([
      'Server "web" → url: url must be an http:// or https:// URL, e.g. https://example.com/mcp',
    ]);
    // A stored value is not in the form, and is fine.
    expect(lines(serverToForm('github', stored))).toEqual([]);
  });
});
