import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressWriter } from '../../../src/cli/models.js';
import { waitFor } from '../../fixtures/index.js';
import { startWorld, type World } from '../api/support.js';
import { runCli, cliOutput as runCliOutput } from './cli-process.js';

const env = () => ({ LIGHTCHAT_CONFIG: world.settingsPath });
const cliOutput = (args: string[]) => runCliOutput([...args, '--url', world.url], env());

const pullEnds: string[] = [];
let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: [{ name: 'llama3.2', loaded: true, contextLength: 131_072 }, 'qwen3'],
      library: ['gemma3', { name: 'slowpoke', pullStalls: true }],
      pullSteps: 5,
      onPullEnd: (model, outcome) => pullEnds.push(`${model} ${outcome}`),
    },
  });
});
afterAll(() => world.close());

describe('lightchat pull | rm | ps', () => {
  it('pull prints plain percentage lines when stdout is not a terminal, then exits 0', async () => {
    const { code, stdout, stderr } = await cliOutput(['pull', 'gemma3']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('0% pulling manifest');
    expect(lines).toContain('100% success 1.3 GB / 1.3 GB');
    expect(lines.at(-1)).toBe('Pulled gemma3.');
    const percents = lines.slice(0, -1).map((line) => Number.parseInt(line, 10));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('pull of a name that does not exist says so and exits 1', async () => {
    const { code, stderr } = await cliOutput(['pull', 'no-such-model']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no model "no-such-model".*\(MODEL_NOT_FOUND\)/);
  });

  it('Ctrl+C cancels the pull: the download stops and the exit code is 130', async () => {
    const run = runCli(['pull', 'slowpoke', '--url', world.url], env());
    await run.line(/downloading/);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/pull of slowpoke cancelled/);
    await waitFor(() => pullEnds.includes('slowpoke cancelled'));
  });

  it('ps lists the loaded models', async () => {
    const ps = await cliOutput(['ps']);
    expect(ps.code).toBe(0);
    expect(ps.stdout).toMatch(/^MODEL\s+SIZE\s+CONTEXT\s+CAPABILITIES/);
    expect(ps.stdout).toMatch(/llama3\.2\s+1\.3 GB\s+131072\s+completion/);
    expect(ps.stdout).not.toMatch(/qwen3/);
  });

  it('rm deletes a model', async () => {
    expect(await cliOutput(['rm', 'qwen3'])).toMatchObject({ code: 0, stdout: 'Deleted qwen3.\n' });
  });

  it('rm of a model that is not installed says so and exits 1', async () => {
    const missing = await cliOutput(['rm', 'no-such-model']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no model "no-such-model".*\(MODEL_NOT_FOUND\)/);
  });
});

describe('the progress bar on a terminal', () => {
  it('redraws one bar in place and ends its line', () => {
    let written = '';
    const bar = progressWriter({ isTTY: true, write: (text: string) => (written += text) });
    bar.update({ status: 'downloading', percent: 50, completed_bytes: 1e9, total_bytes: 2e9 });
    bar.update({ status: 'success', percent: 100, completed_bytes: 2e9, total_bytes: 2e9 });
    bar.finish();
    const frames = written.split('\r').filter(Boolean);
    expect(frames[0]).toBe(
      `\u001b[2K[${'#'.repeat(15)}${'-'.repeat(15)}]  50.0% 1.0 GB / 2.0 GB downloading`,
    );
    expect(frames[1]).toBe(`\u001b[2K[${'#'.repeat(30)}] 100.0% 2.0 GB / 2.0 GB success\n`);
  });
});
