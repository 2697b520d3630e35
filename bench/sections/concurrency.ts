import { answerText, promptFor } from '../lib/answers.js';
import { directOllama, restChat } from '../lib/clients.js';
import type { BenchSection } from '../lib/context.js';
import { LightChatServer, OLLAMA_PROVIDER } from '../lib/lightchat.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { percentile } from '../lib/stats.js';

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
    const spec = (phase: string, index: number) =>
      ({ kind: 'tagged', tokens, rate, stamp: true, id: `${phase}${index}` }) as const;

    const direct = await Promise.all(
      Array.from({ length: chats }, async (_, index): Promise<ChatOutcome> => {
        const delays: number[] = [];
        try {
          const result = await directOllama(
            fakes.ollamaUrl,
            promptFor(spec('d', index)),
            (_text, at, emit) => {
              if (emit !== undefined) delays.push(at - emit);
            },
          );
          return { ok: result.text === answerText(spec('d', index)), delays };
        } catch (error) {
          return { ok: false, delays, error: String(error) };
        }
      }),
    );
    context.log('concurrency: direct done');

    const server = await LightChatServer.start(fakes, { logging: true });
    let relay: ChatOutcome[];
    try {
      // One short chat first: LightChat loads the provider SDK lazily.
      await restChat(server.url, { prompt: 'warm up', provider_id: OLLAMA_PROVIDER });
      const received = await Promise.all(
        Array.from({ length: chats }, async (_, index) => {
          const pieces: [string, number][] = [];
          try {
            const result = await restChat(
              server.url,
              { prompt: promptFor(spec('r', index)), provider_id: OLLAMA_PROVIDER },
              (text, at) => pieces.push([text, at]),
            );
            return { ok: result.text === answerText(spec('r', index)), pieces };
          } catch (error) {
            return { ok: false, pieces, error: String(error) };
          }
        }),
      );
      relay = [];
      for (const [index, outcome] of received.entries()) {
        const emits = await fakes.emits(`r${index}`);
        relay.push({ ok: outcome.ok, delays: matchDelays(outcome.pieces, emits), error: outcome.error });
      }
      await fakes.forget();
    } finally {
      await server.stop();
    }
    context.log('concurrency: relay done');

    const directDelays = direct.flatMap((chat) => chat.delays);
    const relayDelays = relay.flatMap((chat) => chat.delays);
    const complete = direct.every((chat) => chat.ok) && relay.every((chat) => chat.ok);
    const counted = relayDelays.length === chats * tokens && directDelays.length === chats * tokens;
    const p99 = percentile(relayDelays, 99);
    const p99Direct = percentile(directDelays, 99);
    const added = p99 - p99Direct;
    const failures = [...direct, ...relay].filter((chat) => !chat.ok);
    return [
      {
        id: '4',
        name: 'Concurrency: added per-token delay',
        figure: `p99 ${fmt(p99)} ms (p50 ${fmt(percentile(relayDelays, 50))}) via REST`,
        reference: `p99 ${fmt(p99Direct)} ms (p50 ${fmt(percentile(directDelays, 50))}) direct SDK`,
        ratio: `+${fmt(added)} ms`,
        goal: `added p99 ${describeGoal(ADDED_P99_GOAL)}, all complete, own text in order`,
        status: statusOf([meets(added, ADDED_P99_GOAL), complete, counted]),
        reduced: context.quick ? `${chats} × ${tokens} tokens` : undefined,
        note: complete
          ? `${chats} chats × ${tokens} tokens at ${rate} tok/s, delay = parsed by the client − emitted by the fake`
          : `${failures.length} chats failed or got the wrong text: ${failures[0]?.error ?? 'text differs'}`,
        data: {
          chats,
          tokens,
          rate,
          complete,
          counted,
          relayP99: p99,
          directP99: p99Direct,
          added,
          relayP50: percentile(relayDelays, 50),
          directP50: percentile(directDelays, 50),
          relayMax: Math.max(...relayDelays),
        },
      },
    ];
  },
};

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
