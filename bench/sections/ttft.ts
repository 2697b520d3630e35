import { join } from 'node:path';
import { promptFor } from '../lib/answers.js';
import { directOllama, restChat } from '../lib/clients.js';
import type { BenchSection } from '../lib/context.js';
import { logNewestProfile } from '../lib/cpuprofile.js';
import { LightChatServer, OLLAMA_PROVIDER } from '../lib/lightchat.js';
import { CpuMeter } from '../lib/proc-cpu.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { percentile } from '../lib/stats.js';

const P50_GOAL: Goal = { op: '<=', limit: 2, unit: 'ms' };
const P99_GOAL: Goal = { op: '<=', limit: 10, unit: 'ms' };

/**
 * Row 2: short chats one after another, each read directly from the fake Ollama (SDK) and through
 * `POST /chat`, alternately. Added TTFT = the percentile through LightChat minus the direct one.
 */
export const ttftSection: BenchSection = {
  key: 'ttft',
  ids: [{ id: '2', name: 'Added time to first token' }],
  async run(context) {
    const chats = context.quick ? 60 : 200;
    const profileDir = join(context.resultsDir, 'profiles', 'ttft-server');
    const server = await LightChatServer.start(context.fakes, {
      logging: true,
      nodeFlags: context.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const cpu = new CpuMeter<'relay'>(server.child.pid);
    try {
      const direct: number[] = [];
      const relay: number[] = [];
      const prompt = (index: number) => promptFor({ kind: 'prose', tokens: 12, id: `ttft-${index}` });
      for (let i = 0; i < 20; i++) {
        await directOllama(context.fakes.ollamaUrl, prompt(i));
        await restChat(server.url, { prompt: prompt(i), provider_id: OLLAMA_PROVIDER });
      }
      const viaRest = (i: number) =>
        cpu.measure('relay', () => restChat(server.url, { prompt: prompt(i), provider_id: OLLAMA_PROVIDER }));
      for (let i = 0; i < chats; i++) {
        // Alternate which goes first, so neither always meets a cold or a warm connection.
        if (i % 2 === 0) {
          direct.push((await directOllama(context.fakes.ollamaUrl, prompt(i))).ttftMs);
          relay.push((await viaRest(i)).ttftMs);
        } else {
          relay.push((await viaRest(i)).ttftMs);
          direct.push((await directOllama(context.fakes.ollamaUrl, prompt(i))).ttftMs);
        }
      }
      const added50 = percentile(relay, 50) - percentile(direct, 50);
      const added99 = percentile(relay, 99) - percentile(direct, 99);
      return [
        {
          id: '2',
          name: 'Added time to first token',
          figure: `p50 ${fmt(percentile(relay, 50))} ms, p99 ${fmt(percentile(relay, 99))} ms via REST`,
          reference: `p50 ${fmt(percentile(direct, 50))} ms, p99 ${fmt(percentile(direct, 99))} ms direct SDK`,
          ratio: `+${fmt(added50)} / +${fmt(added99)} ms`,
          goal: `added p50 ${describeGoal(P50_GOAL)}, p99 ${describeGoal(P99_GOAL)}`,
          status: statusOf([meets(added50, P50_GOAL), meets(added99, P99_GOAL)]),
          reduced: context.quick ? `${chats} chats` : undefined,
          note: `${chats} chats of 12 tokens, fake Ollama, sequential, alternating order; ${cpu.describe('relay')}`,
          data: { chats, added50, added99, relay, direct, serverCpu: cpu.perCall('relay') },
        },
      ];
    } finally {
      await server.stop();
      if (context.profile) await logNewestProfile(context, profileDir, 'LightChat server during row 2');
    }
  },
};
