import { join } from 'node:path';
import { alternate } from '../lib/alternate.js';
import { promptFor } from '../lib/answers.js';
import { fetchOllama, restChat } from '../lib/clients.js';
import type { BenchSection } from '../lib/context.js';
import { logNewestProfile } from '../lib/cpuprofile.js';
import { LightChatServer, OLLAMA_PROVIDER } from '../lib/lightchat.js';
import { CpuMeter } from '../lib/proc-cpu.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { percentile } from '../lib/stats.js';

const P50_GOAL: Goal = { op: '<=', limit: 2, unit: 'ms' };
const P99_GOAL: Goal = { op: '<=', limit: 10, unit: 'ms' };

/** Measured rounds (each: one chat each way) and warm-up rounds, dropped. p99 of 1,000 is the 10th largest. */
export const TTFT_ROUNDS = { full: 1_000, quick: 200, warmup: 50 } as const;

/**
 * Row 2: short chats one after another, each read directly from the fake Ollama and through
 * `POST /chat`, in turn (the order swaps every round), with the same client both ways (Node's fetch,
 * each frame parsed as it comes). Added TTFT = the percentile through LightChat minus the direct one.
 */
export const ttftSection: BenchSection = {
  key: 'ttft',
  ids: [{ id: '2', name: 'Added time to first token' }],
  async run(context) {
    const chats = context.quick ? TTFT_ROUNDS.quick : TTFT_ROUNDS.full;
    const profileDir = join(context.resultsDir, 'profiles', 'ttft-server');
    const server = await LightChatServer.start(context.fakes, {
      logging: true,
      nodeFlags: context.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const cpu = new CpuMeter<'relay'>(server.child.pid);
    try {
      const prompt = (index: number) => promptFor({ kind: 'prose', tokens: 12, id: `ttft-${index}` });
      const viaRest = (i: number) =>
        restChat(server.url, { prompt: prompt(i), provider_id: OLLAMA_PROVIDER });
      const { direct, relay } = await alternate(
        {
          direct: async (i) => (await fetchOllama(context.fakes.ollamaUrl, prompt(i))).ttftMs,
          relay: async (i, measured) =>
            (await (measured ? cpu.measure('relay', () => viaRest(i)) : viaRest(i))).ttftMs,
        },
        { warmup: TTFT_ROUNDS.warmup, rounds: chats, log: context.log, label: 'ttft' },
      );
      const added50 = percentile(relay, 50) - percentile(direct, 50);
      const added99 = percentile(relay, 99) - percentile(direct, 99);
      return [
        {
          id: '2',
          name: 'Added time to first token',
          figure: `p50 ${fmt(percentile(relay, 50))} ms, p99 ${fmt(percentile(relay, 99))} ms via REST`,
          reference: `p50 ${fmt(percentile(direct, 50))} ms, p99 ${fmt(percentile(direct, 99))} ms direct (same fetch client)`,
          ratio: `+${fmt(added50)} / +${fmt(added99)} ms`,
          goal: `added p50 ${describeGoal(P50_GOAL)}, p99 ${describeGoal(P99_GOAL)}`,
          status: statusOf([meets(added50, P50_GOAL), meets(added99, P99_GOAL)]),
          reduced: context.quick ? `${chats} chats` : undefined,
          note: `${chats} chats of 12 tokens each way after ${TTFT_ROUNDS.warmup} dropped, fake Ollama, sequential, in turn (order swapped each round), Node's fetch both ways; ${cpu.describe('relay')}`,
          data: { chats, added50, added99, relay, direct, serverCpu: cpu.perCall('relay') },
        },
      ];
    } finally {
      await server.stop();
      if (context.profile) await logNewestProfile(context, profileDir, 'LightChat server during row 2');
    }
  },
};
