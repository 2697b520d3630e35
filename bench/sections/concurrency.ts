import { type AnswerSpec, answerText, promptFor } from '../lib/answers.js';
import { directOllama, restChat } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { LightChatServer, OLLAMA_PROVIDER } from '../lib/lightchat.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { median, percentile } from '../lib/stats.js';

const ADDED_P99_GOAL: Goal = { op: '<=', limit: 20, unit: 'ms' };

/** Delay of every token: when the client parsed it minus when the fake emitted it. */
interface ChatOutcome {
  ok: boolean;
  delays: number[];
  error?: string;
}

/**
 * Row 4: many simultaneous chats at a steady rate, every chunk stamped by the fake with its actual
 * emit time. Direct (SDK) first, then through `POST /chat`; each chat checks it got exactly its own
 * text, in order. The relay's emit times come from the fake's own record of what it wrote.
 */
export const concurrencySection: BenchSection = {
  key: 'concurrency',
  ids: [{ id: '4', name: 'Concurrency: added per-token delay' }],
  async run(context) {
    const chats = context.quick ? 20 : 50;
    const tokens = context.quick ? 600 : 2000;
    const rate = 200;
    const { fakes } = context;
    const spec = (phase: string, index: number): AnswerSpec => ({
      kind: 'tagged',
      tokens,
      rate,
      stamp: true,
      id: `${phase}${index}`,
    });

    const reps = context.quick ? 1 : 2;
    const server = await LightChatServer.start(fakes, { logging: true });
    const direct: ChatOutcome[][] = [];
    const relay: ChatOutcome[][] = [];
    try {
      // One short chat first: LightChat loads the provider SDK lazily.
      await restChat(server.url, { prompt: 'warm up', provider_id: OLLAMA_PROVIDER });
      // Direct and relayed rounds alternate: the machine's noise falls on both alike.
      for (let rep = 0; rep < reps; rep++) {
        direct.push(await directRound(context, chats, (index) => spec(`d${rep}-`, index)));
        relay.push(await relayRound(context, server.url, chats, (index) => spec(`r${rep}-`, index)));
        context.log(`concurrency: round ${rep + 1}/${reps} done`);
      }
    } finally {
      await server.stop();
    }

    // Each round's p99, then the median over rounds.
    const p99Of = (rounds: ChatOutcome[][]) =>
      median(
        rounds.map((round) =>
          percentile(
            round.flatMap((chat) => chat.delays),
            99,
          ),
        ),
      );
    const p50Of = (rounds: ChatOutcome[][]) =>
      median(
        rounds.map((round) =>
          percentile(
            round.flatMap((chat) => chat.delays),
            50,
          ),
        ),
      );
    const everyChat = [...direct.flat(), ...relay.flat()];
    const complete = everyChat.every((chat) => chat.ok);
    const counted = everyChat.every((chat) => chat.delays.length === tokens);
    const p99 = p99Of(relay);
    const p99Direct = p99Of(direct);
    const added = p99 - p99Direct;
    const failures = everyChat.filter((chat) => !chat.ok);
    return [
      {
        id: '4',
        name: 'Concurrency: added per-token delay',
        figure: `p99 ${fmt(p99)} ms (p50 ${fmt(p50Of(relay))}) via REST`,
        reference: `p99 ${fmt(p99Direct)} ms (p50 ${fmt(p50Of(direct))}) direct SDK`,
        ratio: `+${fmt(added)} ms`,
        goal: `added p99 ${describeGoal(ADDED_P99_GOAL)}, all complete, own text in order`,
        status: statusOf([meets(added, ADDED_P99_GOAL), complete, counted]),
        reduced: context.quick ? `${chats} × ${tokens} tokens, ${reps} round` : undefined,
        note: complete
          ? `${chats} chats × ${tokens} tokens at ${rate} tok/s, delay = parsed by the client − emitted by the fake; median of ${reps} rounds' p99`
          : `${failures.length} chats failed or got the wrong text: ${failures[0]?.error ?? 'text differs'}`,
        data: {
          chats,
          tokens,
          rate,
          reps,
          complete,
          counted,
          relayP99: p99,
          directP99: p99Direct,
          added,
          relayP99s: relay.map((round) =>
            percentile(
              round.flatMap((chat) => chat.delays),
              99,
            ),
          ),
          directP99s: direct.map((round) =>
            percentile(
              round.flatMap((chat) => chat.delays),
              99,
            ),
          ),
        },
      },
    ];
  },
};

type SpecOf = (index: number) => AnswerSpec;

/** Every chat read straight from the fake Ollama by the SDK, which sees each chunk's stamp. */
function directRound(context: BenchContext, chats: number, specOf: SpecOf): Promise<ChatOutcome[]> {
  return Promise.all(
    Array.from({ length: chats }, async (_, index): Promise<ChatOutcome> => {
      const delays: number[] = [];
      try {
        const result = await directOllama(
          context.fakes.ollamaUrl,
          promptFor(specOf(index)),
          (_text, at, emit) => {
            if (emit !== undefined) delays.push(at - emit);
          },
        );
        return { ok: result.text === answerText(specOf(index)), delays };
      } catch (error) {
        return { ok: false, delays, error: String(error) };
      }
    }),
  );
}

/** Every chat through `POST /chat`; the emit times come from the fake's record of what it wrote. */
async function relayRound(
  context: BenchContext,
  url: string,
  chats: number,
  specOf: SpecOf,
): Promise<ChatOutcome[]> {
  const received = await Promise.all(
    Array.from({ length: chats }, async (_, index) => {
      const pieces: [string, number][] = [];
      try {
        const result = await restChat(
          url,
          { prompt: promptFor(specOf(index)), provider_id: OLLAMA_PROVIDER },
          (text, at) => pieces.push([text, at]),
        );
        return { ok: result.text === answerText(specOf(index)), pieces, error: undefined };
      } catch (error) {
        return { ok: false, pieces, error: String(error) };
      }
    }),
  );
  const outcomes: ChatOutcome[] = [];
  for (const [index, outcome] of received.entries()) {
    const emits = await context.fakes.emits(String(specOf(index).id));
    outcomes.push({ ok: outcome.ok, delays: matchDelays(outcome.pieces, emits), error: outcome.error });
  }
  await context.fakes.forget();
  return outcomes;
}
/**
 * Per-token delays of a relayed chat: the relay may join tokens into one event, so each received
 * piece covers the emitted tokens whose text it completes; every one of them is delayed by
 * (parse time − its own emit time).
 */
export function matchDelays(
  pieces: readonly [string, number][],
  emits: readonly [string, number][],
): number[] {
  const delays: number[] = [];
  let emitIndex = 0;
  let emittedChars = 0;
  let receivedChars = 0;
  for (const [text, at] of pieces) {
    receivedChars += text.length;
    while (emitIndex < emits.length && emittedChars + emits[emitIndex]![0].length <= receivedChars) {
      emittedChars += emits[emitIndex]![0].length;
      delays.push(at - emits[emitIndex]![1]);
      emitIndex++;
    }
  }
  return delays;
}
