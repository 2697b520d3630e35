import { describe, expect, it } from 'vitest';
import { MODEL_TOOL_NAME, modelToolNames, reduceToolName } from '../../src/domain/tools/tool-names.js';

const names = (servers: { server: string; tools: string[] }[]) =>
  Object.fromEntries(
    modelToolNames(servers.map(({ server, tools }) => ({ server, tools: tools.map((name) => ({ name })) }))),
  );

describe('the tool names the model sees', () => {
  it('a tool is offered by its own name when no other enabled server has one of that name', () => {
    expect(names([{ server: 'files', tools: ['read_file', 'list_directory'] }])).toEqual({
      read_file: { server: 'files', name: 'read_file' },
      list_directory: { server: 'files', name: 'list_directory' },
    });
  });

  it('two servers with a tool of the same name: both become <server>__<tool>', () => {
    expect(
      names([
        { server: 'files', tools: ['search', 'read_file'] },
        { server: 'web', tools: ['search'] },
      ]),
    ).toEqual({
      files__search: { server: 'files', name: 'search' },
      read_file: { server: 'files', name: 'read_file' },
      web__search: { server: 'web', name: 'search' },
    });
  });

  it('reduces every name to [A-Za-z0-9_-]{1,64}, and names that then collide stay apart', () => {
    const long = `x${'y'.repeat(80)}`;
    const result = names([
      { server: 'srv', tools: ['git.status', 'git_status', 'wiki page/read', long, 'ÿ'] },
    ]);
    expect(Object.keys(result)).toEqual([
      'git_status',
      'git_status_2',
      'wiki_page_read',
      long.slice(0, 64),
      '_',
    ]);
    expect(result.git_status_2).toEqual({ server: 'srv', name: 'git_status' });
    for (const name of Object.keys(result)) expect(name).toMatch(MODEL_TOOL_NAME);
  });

  it('a collision at 64 characters keeps the suffix inside the limit', () => {
    const a = `${'a'.repeat(64)}.one`;
    const b = `${'a'.repeat(64)}.two`;
    const result = Object.keys(names([{ server: 's', tools: [a, b] }]));
    expect(result).toEqual(['a'.repeat(64), `${'a'.repeat(62)}_2`]);
    expect(reduceToolName('')).toBe('_');
  });
});
