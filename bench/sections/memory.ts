import { promptFor } from '../lib/answers.js';
import { restChat, trpcChat } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { InspectorSession } from '../lib/inspector.js';
import { LightChatServer, OLLAMA_PROVIDER, OPENAI_PROVIDER } from '../lib/lightchat.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';

const GROWTH_GOAL: Goal = { op: '<=', limit: 10, unit: 'MB' };
const MB = 1024 * 1024;
const PARALLEL = 8;

/**
 * Evaluated inside the server: collect garbage, let finalizers and weak-reference cleanups run
 * (undici and AbortSignal keep objects in FinalizationRegistry holdings until then), collect again.
 */
const MEASURE = `(async () => {
  for (let round = 0; round < 3; round++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  globalThis.gc();
  const memory = process.memoryUsage();
  return { heapUsed: memory.heapUsed, rss: memory.rss };
})()`;

interface Memory {
  heapUsed: number;
  rss: number;
}

/**
 * Row 5: the real `serve` process, started with `--expose-gc` and an inspector on a loopback port:
 * the bench runs chats against it, then evaluates `gc(); process.memoryUsage()` inside it through
 * the inspector — no debug hook in LightChat needed. Chats mix REST and tRPC, Ollama and OpenAI.
 */
export const memorySection: BenchSection = {
  key: 'memory',
  ids: [{ id: '5', name: 'Memory growth, 100 → 1,000 chats' }],
  async run(context) {
    const total = context.quick ? 400 : 1000;
    const server = await LightChatServer.start(context.fakes, {
      logging: true,
      nodeFlags: ['--expose-gc', '--inspect=127.0.0.1:0'],
    });
    let inspector: InspectorSession | undefined;
    try {
      const [, wsUrl] = await server.child.waitForLine(/Debugger listening on (ws:\/\/\S+)/, 10_000);
      inspector = await InspectorSession.connect(wsUrl!);
      const session = inspector;
      const measure = () => session.evaluate<Memory>(MEASURE);
      const before = await measure();
      await runChats(context, server.url, 0, 100);
      const at100 = await measure();
      await runChats(context, server.url, 100, total);
      const atTotal = await measure();
      const growth = (atTotal.heapUsed - at100.heapUsed) / MB;
      return [
        {
          id: '5',
          name: `Memory growth, 100 → ${total.toLocaleString('en-US')} chats`,
          figure: `heapUsed ${fmt(atTotal.heapUsed / MB)} MB after ${total} (RSS ${fmt(atTotal.rss / MB)} MB)`,
          reference: `heapUsed ${fmt(at100.heapUsed / MB)} MB after 100 (RSS ${fmt(at100.rss / MB)} MB)`,
          ratio: `${growth >= 0 ? '+' : ''}${fmt(growth)} MB`,
          goal: `growth ${describeGoal(GROWTH_GOAL)}`,
          status: statusOf([meets(growth, GROWTH_GOAL)]),
          reduced: context.quick ? `${total} chats` : undefined,
          note: `after gc(), server started with --expose-gc; heapUsed at start ${fmt(before.heapUsed / MB)} MB`,
          data: { before, at100, atTotal, growthMb: growth, total },
        },
      ];
    } finally {
      inspector?.close();
      await server.stop();
    }
  },
};

/** Chats `from`..`to` (exclusive), `PARALLEL` at a time, each a different path and answer. */
async function runChats(context: BenchContext, url: string, from: number, to: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const index = next++;
      const prompt = promptFor({ kind: 'prose', tokens: 150 + (index % 7) * 20, id: `mem-${index}` });
      const path = index % 3;
      if (path === 0) await restChat(url, { prompt, provider_id: OLLAMA_PROVIDER });
      else if (path === 1) await restChat(url, { prompt, provider_id: OPENAI_PROVIDER });
      else await trpcChat(url, prompt, OLLAMA_PROVIDER);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  context.log(`memory: ${to} chats done`);
}
