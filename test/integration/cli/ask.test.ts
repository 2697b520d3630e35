import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER, refusedUrl } from '../../fixtures/index.js';
import { startWorld, type World } from '../api/support.js';
import { cliOutput as runCliOutput } from './cli-process.js';

/** The commands find the API token next to the settings file they are pointed at (`LIGHTCHAT_CONFIG`). */
const cliOutput = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCliOutput(args, { LIGHTCHAT_CONFIG: world.settingsPath, ...env });

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', { name: 'qwen3', thinking: true }],
      behaviour: (request) =>
        request.model === 'qwen3'
          ? { thinking: 'Pondering.', text: 'Forty-two.' }
          : { text: FAKE_OLLAMA_ANSWER },
      faults: { 'llama3.2': { status: 401 } },
    },
  });
});
afterAll(() => world.close());

describe('lightchat ask', () => {
  it('streams the answer to stdout and exits 0', async () => {
    const { code, stdout } = await cliOutput([
      'ask',
      'What',
      'is',
      'it?',
      '--url',
      world.url,
      '--provider',
      'fake_openai',
    ]);
    expect(stdout).toBe('Hello from the fake OpenAI! It streams word by word.\n');
    expect(code).toBe(0);
    const sent = world.openai.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(sent.messages.at(-1)?.content).toBe('What is it?');
  });

  it('prints thinking to stderr only with --show-thinking', async () => {
    const quiet = await cliOutput(['ask', 'why', '--url', world.url, '--model', 'qwen3']);
    expect(quiet.stdout).toBe('Forty-two.\n');
    expect(quiet.stderr).toBe('');
    const shown = await cliOutput(['ask', 'why', '--url', world.url, '--model', 'qwen3', '--show-thinking']);
    expect(shown.stdout).toBe('Forty-two.\n');
    expect(shown.stderr).toContain('Pondering.');
  });

  it('--think off sends think: false and on sends true, in stored chats too; a wrong level is refused', async () => {
    const thinkSent = () => (world.ollama.requests.at(-1)?.body as { think?: unknown } | undefined)?.think;
    const off = await cliOutput(['ask', 'why', '--url', world.url, '--model', 'qwen3', '--think', 'off']);
    expect(off.code).toBe(0);
    expect(thinkSent()).toBe(false);
    await cliOutput(['ask', 'why', '--url', world.url, '--model', 'qwen3', '--think', 'on']);
    expect(thinkSent()).toBe(true);
    const saved = await cliOutput([
      'ask',
      'why',
      '--url',
      world.url,
      '--model',
      'qwen3',
      '--think',
      'off',
      '--save',
    ]);
    expect(saved.code).toBe(0);
    expect(thinkSent()).toBe(false);
    const wrong = await cliOutput(['ask', 'why', '--url', world.url, '--think', 'max']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('--think');
  });

  it('exits non-zero with the message when the provider fails', async () => {
    const { code, stderr } = await cliOutput(['ask', 'hi', '--url', world.url]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/PROVIDER_/);
  });

  it('exits non-zero with the message for an unknown provider', async () => {
    const { code, stderr } = await cliOutput(['ask', 'hi', '--url', world.url, '--provider', 'ghost']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('ghost');
    expect(stderr).toContain('PROVIDER_NOT_FOUND');
  });

  it('says to start the server with `npm run serve` when nothing answers', async () => {
    const { code, stderr } = await cliOutput(['ask', 'hi', '--url', await refusedUrl()]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('start it with `npm run serve`');
  });
});

describe('lightchat providers / models', () => {
  it('prints the providers as a table, or JSON', async () => {
    const table = await cliOutput(['providers', '--url', world.url]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+TYPE\s+STATUS/);
    expect(table.stdout).toMatch(/fake_ollama \*\s+Fake Ollama\s+ollama\s+ok/);
    const json = await cliOutput(['providers', '--json', '--url', world.url]);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: 'fake_ollama', is_default: true }),
      expect.objectContaining({ id: 'fake_openai' }),
    ]);
  });

  it("prints the default provider's models, or a named provider's", async () => {
    const table = await cliOutput(['models', '--url', world.url]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^llama3\.2\s/m);
    const json = await cliOutput(['models', 'fake_openai', '--json', '--url', world.url]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: 'gpt-4o-mini' })]);
  });
});

describe('the API token', () => {
  it('is found next to the --config settings file', async () => {
    const { code, stdout } = await runCliOutput([
      'providers',
      '--json',
      '--url',
      world.url,
      '--config',
      world.settingsPath,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(2);
  });

  it('LIGHTCHAT_TOKEN wins over the file', async () => {
    const right = await runCliOutput(['models', '--url', world.url], {
      LIGHTCHAT_TOKEN: world.token,
      LIGHTCHAT_CONFIG: '/nonexistent/settings.yaml',
    });
    expect(right.code).toBe(0);
    const wrong = await cliOutput(['models', '--url', world.url], { LIGHTCHAT_TOKEN: 'not-the-token' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('(UNAUTHORIZED)');
  });

  it('without a token, says how to get one and exits non-zero', async () => {
    const { code, stderr } = await runCliOutput(['ask', 'hi', '--url', world.url], {
      LIGHTCHAT_CONFIG: '/nonexistent/settings.yaml',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('npm exec lightchat token');
    expect(stderr).toContain('(UNAUTHORIZED)');
  });
});
