import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tokenOf } from '../lib/clients.js';
import type { BenchSection } from '../lib/context.js';
import { InspectorSession } from '../lib/inspector.js';
import { LightChatServer } from '../lib/lightchat.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';

const MB = 1024 * 1024;
const IMAGE_BYTES = 20 * MB;
const MEMORY_GOAL: Goal = { op: '<=', limit: 3, unit: '× the file' };
const LATENCY_GOAL: Goal = { op: '<=', limit: 150, unit: 'ms' };

/** Installed in the server through the inspector: samples memory every few ms and keeps the peaks. */
const START_SAMPLING = `(() => {
  const read = () => { const m = process.memoryUsage(); return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss }; };
  globalThis.gc?.();
  const base = read();
  const peak = { ...base };
  globalThis.__attachmentPeak = { base, peak, timer: setInterval(() => {
    const now = read();
    peak.heap = Math.max(peak.heap, now.heap);
    peak.rss = Math.max(peak.rss, now.rss);
  }, 2) };
  return base;
})()`;
const STOP_SAMPLING = `(() => {
  const state = globalThis.__attachmentPeak;
  clearInterval(state.timer);
  return { base: state.base, peak: state.peak };
})()`;

/** A 20 MB PNG: its signature, then bytes the server neither reads nor compresses. */
function bigPng(): Buffer {
  const file = Buffer.alloc(IMAGE_BYTES, 7);
  Buffer.from('89504e470d0a1a0a', 'hex').copy(file);
  return file;
}

/**
 * A minimal Ollama in the bench process: it stamps when the chat request's first bytes arrive (the
 * same clock as the client's "last byte sent"), reads the body through, and answers one line.
 */
async function stampingOllama(): Promise<{ server: Server; url: string; firstByteAt: () => number | null }> {
  let firstByteAt: number | null = null;
  const server = createServer((req, res) => {
    if (req.url === '/api/chat') firstByteAt ??= performance.now();
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/tags') {
        res.end(JSON.stringify({ models: [{ name: 'bench', size: 1 }] }));
      } else if (req.url === '/api/show') {
        res.end(JSON.stringify({ capabilities: ['completion', 'vision'] }));
      } else if (req.url === '/api/chat') {
        res.setHeader('content-type', 'application/x-ndjson');
        res.end(
          `${JSON.stringify({ message: { content: 'A grey square.' }, done: true, done_reason: 'stop' })}\n`,
        );
      } else {
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, firstByteAt: () => firstByteAt };
}

/** POSTs with Node's http client, resolving when the body's last byte has been handed to the socket. */
function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  onLastByte: () => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body, onLastByte);
  });
}

/**
 * Rows 15a and 15b (issue 15): uploading and sending a 20 MB image through the real `serve` — peak
 * server memory during upload and chat (heapUsed + arrayBuffers, and RSS) against the file's size,
 * and the time from the chat request's last byte to the first byte the provider receives.
 */
export const attachmentsSection: BenchSection = {
  key: 'attachments',
  ids: [
    { id: '15a', name: 'Peak server memory, upload + send of a 20 MB image' },
    { id: '15b', name: 'Chat request last byte → provider first byte, 20 MB image' },
  ],
  async run(context) {
    const ollama = await stampingOllama();
    const server = await LightChatServer.start(
      { ...context.fakes, ollamaUrl: ollama.url },
      { logging: true, history: true, nodeFlags: ['--expose-gc', '--inspect=127.0.0.1:0'] },
    );
    let inspector: InspectorSession | undefined;
    try {
      const [, wsUrl] = await server.child.waitForLine(/Debugger listening on (ws:\/\/\S+)/, 10_000);
      inspector = await InspectorSession.connect(wsUrl!);
      const auth = { authorization: `Bearer ${tokenOf(server.url) ?? ''}` };
      await inspector.evaluate(START_SAMPLING);
      const uploaded = await post(`${server.url}/attachments?name=big.png`, bigPng(), auth, () => {});
      if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${uploaded.text}`);
      const { id } = JSON.parse(uploaded.text) as { id: string };
      let lastByteAt = 0;
      const answer = await post(
        `${server.url}/chat`,
        Buffer.from(JSON.stringify({ prompt: 'What is this?', attachment_ids: [id] })),
        { ...auth, 'content-type': 'application/json' },
        () => {
          lastByteAt = performance.now();
        },
      );
      const { base, peak } = await inspector.evaluate<{
        base: { heap: number; rss: number };
        peak: { heap: number; rss: number };
      }>(STOP_SAMPLING);
      if (!answer.text.includes('event: done'))
        throw new Error(`the chat did not finish: ${answer.text.slice(0, 300)}`);
      const firstByteAt = ollama.firstByteAt();
      if (firstByteAt === null) throw new Error('the provider never received the chat');
      const heapRatio = (peak.heap - base.heap) / IMAGE_BYTES;
      const rssRatio = (peak.rss - base.rss) / IMAGE_BYTES;
      const latency = firstByteAt - lastByteAt;
      return [
        {
          id: '15a',
          name: 'Peak server memory, upload + send of a 20 MB image',
          figure: `heap+arrayBuffers +${fmt((peak.heap - base.heap) / MB)} MB, RSS +${fmt((peak.rss - base.rss) / MB)} MB`,
          reference: `the file: ${fmt(IMAGE_BYTES / MB)} MB`,
          ratio: `${fmt(heapRatio)}× (RSS ${fmt(rssRatio)}×)`,
          goal: describeGoal(MEMORY_GOAL),
          status: statusOf([meets(heapRatio, MEMORY_GOAL), meets(rssRatio, MEMORY_GOAL)]),
          note: 'sampled every 2 ms inside serve (through the inspector), above the level before the upload',
          data: { base, peak, heapRatio, rssRatio, fileBytes: IMAGE_BYTES },
        },
        {
          id: '15b',
          name: 'Chat request last byte → provider first byte, 20 MB image',
          figure: `${fmt(latency)} ms`,
          reference: '—',
          ratio: `${fmt(latency)} ms`,
          goal: describeGoal(LATENCY_GOAL),
          status: statusOf([meets(latency, LATENCY_GOAL)]),
          note: 'Ollama provider (capabilities asked first: /api/tags, /api/show); one clock for both ends',
          data: { latencyMs: latency },
        },
      ];
    } finally {
      inspector?.close();
      await server.stop();
      await new Promise<void>((resolve) => ollama.server.close(() => resolve()));
    }
  },
};
