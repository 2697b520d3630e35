import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from '../lib/child.js';
import type { BenchSection } from '../lib/context.js';
import { CLI, freePort, READY_LINE, serverEnv, settingsYaml } from '../lib/lightchat.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { median } from '../lib/stats.js';

const RATIO_GOAL: Goal = { op: '<=', limit: 6 };

/** The reference: a bare `node:http` server, timed the same way (spawn → its line on stdout). */
const BARE_SERVER = `
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.listen(Number(process.argv[1]), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

async function timeSpawn(args: string[], ready: RegExp): Promise<number> {
  const started = performance.now();
  const child = new Child(process.execPath, args, { env: serverEnv() });
  try {
    await child.waitForLine(ready, 30_000);
    return performance.now() - started;
  } finally {
    await child.stop();
  }
}

/**
 * Row 6: `node bin/lightchat.js serve` (the built CLI, plain node) from spawn to its ready line,
 * against a bare `node:http` server from spawn to listening; alternating, median of the runs.
 */
export const startupSection: BenchSection = {
  key: 'startup',
  ids: [{ id: '6', name: 'Start-up (serve ÷ bare node:http)' }],
  async run(context) {
    const runs = context.quick ? 5 : 9;
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-bench-start-'));
    try {
      const config = join(dir, 'settings.yaml');
      await writeFile(config, settingsYaml(context.fakes), { mode: 0o600 });
      const lightchat = async () =>
        timeSpawn(
          [
            CLI,
            'serve',
            '--port',
            String(await freePort()),
            '--config',
            config,
            '--log-dir',
            join(dir, 'logs'),
          ],
          READY_LINE,
        );
      const bare = async () => timeSpawn(['-e', BARE_SERVER, String(await freePort())], /^listening$/);
      // One of each unmeasured: the file cache holds the modules afterwards, as on a used machine.
      await lightchat();
      await bare();
      const serve: number[] = [];
      const reference: number[] = [];
      for (let i = 0; i < runs; i++) {
        serve.push(await lightchat());
        reference.push(await bare());
      }
      const ratio = median(serve) / median(reference);
      return [
        {
          id: '6',
          name: 'Start-up (serve ÷ bare node:http)',
          figure: `${fmt(median(serve))} ms to the ready line`,
          reference: `${fmt(median(reference))} ms bare node:http`,
          ratio: `${fmt(ratio)}×`,
          goal: describeGoal(RATIO_GOAL),
          status: statusOf([meets(ratio, RATIO_GOAL)]),
          note: `median of ${runs} alternating spawns each, \`node bin/lightchat.js serve\` with logging on`,
          data: { serve, reference, ratio, runs },
        },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
