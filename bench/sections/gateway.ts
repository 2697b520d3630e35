import { join } from 'node:path';
import { createGatewayKey, gatewayKeysPath } from '../../src/adapters/gateway/gateway-keys-file.js';
import { BENCH_MODEL } from '../fakes/messages.js';
import { alternate } from '../lib/alternate.js';
import { answerText, promptFor } from '../lib/answers.js';
import { directOpenAI, openAIChat } from '../lib/clients.js';
import type { BenchSection } from '../lib/context.js';
import { logNewestProfile } from '../lib/cpuprofile.js';
import { LightChatServer, OPENAI_PROVIDER } from '../lib/lightchat.js';
import { CpuMeter } from '../lib/proc-cpu.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { median, percentile } from '../lib/stats.js';
import { TTFT_ROUNDS } from './ttft.js';

const RELAY_GOAL: Goal = { op: '>=', limit: 0.8 };
const P50_GOAL: Goal = { op: '<=', limit: 2, unit: 'ms' };
const P95_GOAL: Goal = { op: '<=', limit: 10, unit: 'ms' };

/**
 * Rows 13a and 13b (the gateway, CONTRACT section 13): the official openai SDK streaming through
 * LightChat's `/v1/chat/completions` (over the fake OpenAI) ÷ the same SDK reading the fake directly;
 * and the time to first token the gateway adds, over many short chats.
 */
export const gatewaySection: BenchSection = {
  key: 'gateway',
  ids: [
    { id: '13a', name: 'Gateway relay, openai SDK' },
    { id: '13b', name: 'Gateway added time to first token' },
  ],
  async run(context) {
    const profileDir = join(context.resultsDir, 'profiles', 'gateway-server');
    const server = await LightChatServer.start(context.fakes, {
      logging: true,
      nodeFlags: context.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    try {
      const key = await createGatewayKey(gatewayKeysPath(join(server.dir, 'settings.yaml')), 'bench');
      const gateway = {
        baseURL: `${server.url}/v1`,
        apiKey: key,
        model: `${OPENAI_PROVIDER}/${BENCH_MODEL}`,
      };
      const direct = (prompt: string) => directOpenAI(context.fakes.openaiBaseUrl, prompt);
      const cpu = new CpuMeter<'relay' | 'ttft'>(server.child.pid);
      let measuring: 'relay' | 'ttft' = 'relay';
      // Warm-up calls (`measured` false) are not counted in the server's CPU per chat.
      const through: Chat = (prompt, measured = true) =>
        measured ? cpu.measure(measuring, () => openAIChat(gateway, prompt)) : openAIChat(gateway, prompt);
      const relay = await relayRow(context.quick, direct, through, context.log);
      measuring = 'ttft';
      const ttft = await ttftRow(context.quick, direct, through, context.log);
      relay.note += `; ${cpu.describe('relay', 'server CPU per chat')}`;
      ttft.note += `; ${cpu.describe('ttft', 'server CPU per chat')}`;
      ttft.data = { ...ttft.data, serverCpu: cpu.perCall('ttft') };
      return [relay, ttft];
    } finally {
      await server.stop();
      if (context.profile)
        await logNewestProfile(context, profileDir, 'LightChat server during the gateway rows');
    }
  },
};

type Chat = (prompt: string, measured?: boolean) => ReturnType<typeof directOpenAI>;

async function relayRow(
  quick: boolean,
  direct: Chat,
  through: Chat,
  log: (m: string) => void,
): Promise<BenchRow> {
  const tokens = quick ? 5_000 : 20_000;
  const reps = quick ? 5 : 15;
  const spec = { kind: 'prose', tokens } as const;
  const prompt = promptFor(spec);
  const expected = answerText(spec);
  await direct(prompt);
  await through(prompt, false);
  const rates = { direct: [] as number[], gateway: [] as number[] };
  let identical = true;
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which goes first, so neither always meets a warm or a cold connection.
    const order = rep % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const);
    for (const path of order) {
      const result = await (path === 'direct' ? direct : through)(prompt);
      identical &&= result.text === expected;
      rates[path].push((tokens * 1000) / result.totalMs);
    }
    log(`gateway relay: rep ${rep + 1}/${reps} done`);
  }
  const relay = median(rates.gateway);
  const reference = median(rates.direct);
  const ratio = relay / reference;
  return {
    id: '13a',
    name: 'Gateway relay, openai SDK',
    figure: `${fmt(relay)} tok/s via /v1`,
    reference: `${fmt(reference)} tok/s direct SDK`,
    ratio: fmt(ratio),
    goal: `${describeGoal(RELAY_GOAL)}, identical text`,
    status: statusOf([meets(ratio, RELAY_GOAL), identical]),
    reduced: quick ? `${tokens} tokens, ${reps} reps` : undefined,
    note: identical
      ? `${tokens} tokens from the fake OpenAI, parsed by the openai SDK both ways`
      : 'the text through the gateway differs from the answer',
    data: { relay, reference, ratio, identical, rates, tokens, reps },
  };
}

async function ttftRow(
  quick: boolean,
  direct: Chat,
  through: Chat,
  log: (m: string) => void,
): Promise<BenchRow> {
  const chats = quick ? TTFT_ROUNDS.quick : TTFT_ROUNDS.full;
  const prompt = (index: number) => promptFor({ kind: 'prose', tokens: 12, id: `gateway-ttft-${index}` });
  const { direct: directMs, gateway: gatewayMs } = await alternate(
    {
      direct: async (i) => (await direct(prompt(i))).ttftMs,
      gateway: async (i, measured) => (await through(prompt(i), measured)).ttftMs,
    },
    { warmup: TTFT_ROUNDS.warmup, rounds: chats, log, label: 'gateway ttft' },
  );
  const added50 = percentile(gatewayMs, 50) - percentile(directMs, 50);
  const added95 = percentile(gatewayMs, 95) - percentile(directMs, 95);
  return {
    id: '13b',
    name: 'Gateway added time to first token',
    figure: `p50 ${fmt(percentile(gatewayMs, 50))} ms, p95 ${fmt(percentile(gatewayMs, 95))} ms via /v1`,
    reference: `p50 ${fmt(percentile(directMs, 50))} ms, p95 ${fmt(percentile(directMs, 95))} ms direct SDK`,
    ratio: `+${fmt(added50)} / +${fmt(added95)} ms`,
    goal: `added p50 ${describeGoal(P50_GOAL)}, p95 ${describeGoal(P95_GOAL)}`,
    status: statusOf([meets(added50, P50_GOAL), meets(added95, P95_GOAL)]),
    reduced: quick ? `${chats} chats` : undefined,
    note: `${chats} chats of 12 tokens each way after ${TTFT_ROUNDS.warmup} dropped, fake OpenAI, openai SDK both ways, sequential, in turn (order swapped each round)`,
    data: { chats, added50, added95, gateway: gatewayMs, direct: directMs },
  };
}
