import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { restChat } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { LightChatServer, OLLAMA_PROVIDER } from '../lib/lightchat.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { percentile } from '../lib/stats.js';

const ADDED_GOAL: Goal = { op: '<=', limit: 20, unit: 'ms' };

/** server-everything's entry file in node_modules: started with `node`, never `npx -y` (no network). */
function everythingServer(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/server-everything/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (!bin) throw new Error('@modelcontextprotocol/server-everything has no bin');
  return join(dirname(manifestPath), bin);
}

/**
 * Row 14a (issue 14): what one tool round approved in advance adds. The same `serve` answers pairs of
 * chats from the fake Ollama, alternating: one whose model calls server-everything's `echo` (in
 * `always_allow`) and then answers, and one whose model answers at once. Added = (tool chat − plain
 * chat) − the call's own `duration_ms`: the second model request, the events and the approval rule.
 */
export const toolsSection: BenchSection = {
  key: 'tools',
  ids: [{ id: '14a', name: 'Added latency of one tool round (approved in advance)' }],
  async run(context) {
    const server = await LightChatServer.start(context.fakes, {
      logging: true,
      settingsLines: [
        'mcp_servers:',
        '  everything:',
        `    command: ${JSON.stringify(process.execPath)}`,
        `    args: ${JSON.stringify([everythingServer()])}`,
        '    always_allow: [echo]',
      ],
    });
    try {
      return [await toolRoundRow(context, server)];
    } finally {
      await server.stop();
    }
  },
};

async function toolRoundRow(context: BenchContext, server: LightChatServer): Promise<BenchRow> {
  const chats = context.quick ? 30 : 100;
  const tool = (i: number) => ({
    prompt: `tool-round ${i}`,
    provider_id: OLLAMA_PROVIDER,
    tools: 'auto' as const,
  });
  const plain = (i: number) => ({
    prompt: `tool-reference ${i}`,
    provider_id: OLLAMA_PROVIDER,
    tools: 'auto' as const,
  });
  // The MCP server starts in the background: wait until a chat is offered its tool.
  const deadline = performance.now() + 60_000;
  while ((await restChat(server.url, tool(-1))).toolMs === 0) {
    if (performance.now() > deadline) throw new Error('server-everything was not ready within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (let i = 0; i < 10; i++) {
    await restChat(server.url, tool(i));
    await restChat(server.url, plain(i));
  }
  const added: number[] = [];
  const toolOwn: number[] = [];
  const plainTotals: number[] = [];
  let answered = true;
  for (let i = 0; i < chats; i++) {
    const pair = i % 2 === 0 ? [tool(i), plain(i)] : [plain(i), tool(i)];
    const [first, second] = [await restChat(server.url, pair[0]!), await restChat(server.url, pair[1]!)];
    const [withTool, without] = i % 2 === 0 ? [first, second] : [second, first];
    answered &&= withTool.text === 'Done.' && (withTool.toolMs ?? 0) > 0;
    toolOwn.push(withTool.toolMs ?? 0);
    plainTotals.push(without.totalMs);
    added.push(withTool.totalMs - without.totalMs - (withTool.toolMs ?? 0));
  }
  const p50 = percentile(added, 50);
  context.log(`tools: ${chats} pairs, added p50 ${fmt(p50)} ms`);
  return {
    id: '14a',
    name: 'Added latency of one tool round (approved in advance)',
    figure: `p50 +${fmt(p50)} ms over the tool's own ${fmt(percentile(toolOwn, 50))} ms`,
    reference: `p50 ${fmt(percentile(plainTotals, 50))} ms the same chat without a call`,
    ratio: `+${fmt(p50)} ms`,
    goal: `added p50 ${describeGoal(ADDED_GOAL)}, the result used`,
    status: statusOf([meets(p50, ADDED_GOAL), answered]),
    reduced: context.quick ? `${chats} pairs` : undefined,
    note: `REST SSE, fake Ollama calling server-everything echo (always_allow); ${chats} pairs, alternating`,
    data: { chats, added, toolOwn, plainTotals },
  };
}
