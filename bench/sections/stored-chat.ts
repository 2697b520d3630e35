import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { alternate } from '../lib/alternate.js';
import { answerText, promptFor } from '../lib/answers.js';
import { restChat } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { formatProfile, readProfile, summarizeProfile } from '../lib/cpuprofile.js';
import { LightChatServer, OLLAMA_PROVIDER } from '../lib/lightchat.js';
import { CpuMeter, waitForIdle } from '../lib/proc-cpu.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { median, percentile } from '../lib/stats.js';
import { TTFT_ROUNDS } from './ttft.js';

const RELAY_GOAL: Goal = { op: '>=', limit: 0.9 };
const TTFT_GOAL: Goal = { op: '<=', limit: 2, unit: 'ms' };
const RELAY_WARMUP_ROUNDS = 3;

/**
 * Rows 12a and 12b (issue 12): what storing a chat costs. The same `serve` (history on, its own data
 * directory) answers stateless and stored `POST /chat`s alternately from the fake Ollama: relay
 * throughput of a stored chat ÷ a stateless one, and the time to first token it adds (the turn is
 * written before the provider is asked).
 */
export const storedChatSection: BenchSection = {
  key: 'stored',
  ids: [
    { id: '12a', name: 'Relay of a stored chat ÷ stateless' },
    { id: '12b', name: 'Added time to first token, stored chat' },
  ],
  async run(context) {
    const profileDir = join(context.resultsDir, 'profiles', 'stored-server');
    const server = await LightChatServer.start(context.fakes, {
      logging: true,
      history: true,
      nodeFlags: context.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    try {
      return [await relayRow(context, server), await ttftRow(context, server)];
    } finally {
      await server.stop();
      if (context.profile) await logProfiles(context, profileDir);
    }
  },
};

type Kind = 'stateless' | 'stored';

const body = (kind: Kind, prompt: string) =>
  kind === 'stored'
    ? { conversation_id: 'new', prompt, provider_id: OLLAMA_PROVIDER }
    : { prompt, provider_id: OLLAMA_PROVIDER };

async function relayRow(context: BenchContext, server: LightChatServer): Promise<BenchRow> {
  const tokens = context.quick ? 5_000 : 20_000;
  // Consecutive chats of one kind relay at 2-4x different speeds on this machine (stateless 246-676k
  // tok/s in one quiet run), while a stored chat costs ~3.5 ms more than a ~40 ms stateless one: with
  // 15 chats of each kind the medians moved the ratio by more than that (one build against itself,
  // 0.72-1.08). 45 of each make the median tell a 0.9 ratio apart.
  const reps = context.quick ? 5 : 45;
  const spec = { kind: 'prose', tokens } as const;
  const prompt = promptFor(spec);
  const expected = answerText(spec);
  const rates: Record<Kind, number[]> = { stateless: [], stored: [] };
  let identical = true;
  const cpu = new CpuMeter<Kind>(server.child.pid);
  const settled: number[] = [];
  const run = async (kind: Kind, measured: boolean) => {
    // Each chat, of either kind, starts on a server that has finished the last one's work: a stored
    // answer is indexed for search after its `done` (10-100 ms of the store's thread for 20,000
    // tokens at load 3-9), and the next chat met that work. A stored one waited for it before its
    // turn was written (the write's round trip 15-76 ms against 2-3 ms); a stateless one only
    // shared the cores with it. The rate is still timed from the request to the stream's end; the
    // CPU per chat now counts the work each chat left behind it.
    const chat = async () => {
      const result = await restChat(server.url, body(kind, prompt));
      settled.push(await waitForIdle(server.child.pid));
      return result;
    };
    const result = measured ? await cpu.measure(kind, chat) : await chat();
    identical &&= result.text === expected;
    if (measured) rates[kind].push((tokens * 1000) / result.totalMs);
  };
  // A few rounds before the measured ones: a new server's first chats are slower (JIT, connections;
  // one run's first two rounds relayed 59-101k tok/s, its later ones 110-292k).
  for (let round = 0; round < RELAY_WARMUP_ROUNDS; round++) {
    for (const kind of ['stateless', 'stored'] as const) await run(kind, false);
  }
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which goes first, so neither always follows the other.
    const order: Kind[] = rep % 2 === 0 ? ['stateless', 'stored'] : ['stored', 'stateless'];
    for (const kind of order) await run(kind, true);
    context.log(`stored: relay rep ${rep + 1}/${reps} done`);
  }
  const stored = median(rates.stored);
  const stateless = median(rates.stateless);
  const ratio = stored / stateless;
  return {
    id: '12a',
    name: 'Relay of a stored chat ÷ stateless',
    figure: `${fmt(stored)} tok/s stored`,
    reference: `${fmt(stateless)} tok/s stateless, same server`,
    ratio: fmt(ratio),
    goal: `${describeGoal(RELAY_GOAL)}, identical text`,
    status: statusOf([meets(ratio, RELAY_GOAL), identical]),
    reduced: context.quick ? `${tokens} tokens, ${reps} reps` : undefined,
    note: `REST SSE, fake Ollama, ${tokens} tokens flat out, ${reps} chats of each kind (interquartile ${spread(rates.stored)} stored, ${spread(rates.stateless)} stateless); each stored chat a new conversation; each chat starts once the server is idle (median wait ${fmt(median(settled))} ms); ${cpu.describe('stored', 'server CPU per stored chat, its work after done included')}, ${cpu.describe('stateless', 'per stateless chat')}`,
    data: {
      stored,
      stateless,
      ratio,
      identical,
      rates,
      tokens,
      reps,
      serverCpu: { stored: cpu.perCall('stored'), stateless: cpu.perCall('stateless') },
    },
  };
}

const spread = (rates: number[]) => `${fmt(percentile(rates, 25))}-${fmt(percentile(rates, 75))} tok/s`;

async function ttftRow(context: BenchContext, server: LightChatServer): Promise<BenchRow> {
  const chats = context.quick ? TTFT_ROUNDS.quick : TTFT_ROUNDS.full;
  const prompt = (index: number) => promptFor({ kind: 'prose', tokens: 12, id: `stored-ttft-${index}` });
  const cpu = new CpuMeter<Kind>(server.child.pid);
  const way = (kind: Kind) => async (index: number, measured: boolean) => {
    const chat = () => restChat(server.url, body(kind, prompt(index)));
    return (await (measured ? cpu.measure(kind, chat) : chat())).ttftMs;
  };
  const ttft = await alternate(
    { stateless: way('stateless'), stored: way('stored') },
    { warmup: TTFT_ROUNDS.warmup, rounds: chats, log: context.log, label: 'stored ttft' },
  );
  const added50 = percentile(ttft.stored, 50) - percentile(ttft.stateless, 50);
  return {
    id: '12b',
    name: 'Added time to first token, stored chat',
    figure: `p50 ${fmt(percentile(ttft.stored, 50))} ms stored`,
    reference: `p50 ${fmt(percentile(ttft.stateless, 50))} ms stateless, same server`,
    ratio: `+${fmt(added50)} ms`,
    goal: `added p50 ${describeGoal(TTFT_GOAL)}`,
    status: statusOf([meets(added50, TTFT_GOAL)]),
    reduced: context.quick ? `${chats} chats` : undefined,
    note: `${chats} chats of 12 tokens each way after ${TTFT_ROUNDS.warmup} dropped, in turn (order swapped each round); ${cpu.describe('stored', 'server CPU per stored chat')}, ${cpu.describe('stateless', 'per stateless chat')}`,
    data: {
      chats,
      added50,
      ttft,
      serverCpu: { stored: cpu.perCall('stored'), stateless: cpu.perCall('stateless') },
    },
  };
}

/** The server's main thread and the store's worker thread each write a profile: both are summarised. */
async function logProfiles(context: BenchContext, dir: string): Promise<void> {
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile'))) {
    const path = join(dir, name);
    context.log(
      `${path}\n${formatProfile(summarizeProfile(await readProfile(path), 20), 'stored-chat server')}`,
    );
  }
}
