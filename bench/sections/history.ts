import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AnswerSpec, answerText, promptFor } from '../lib/answers.js';
import { Child } from '../lib/child.js';
import { restChat, tokenOf } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { type GeneratedHistory, generateHistory } from '../lib/history-data.js';
import { InspectorSession } from '../lib/inspector.js';
import {
  CLI,
  freePort,
  LightChatServer,
  OLLAMA_PROVIDER,
  READY_LINE,
  serverEnv,
  settingsYaml,
} from '../lib/lightchat.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { median, percentile } from '../lib/stats.js';
import { matchDelays } from './concurrency.js';

const LIST_GOAL: Goal = { op: '<=', limit: 20, unit: 'ms' };
const SEARCH_GOAL: Goal = { op: '<=', limit: 50, unit: 'ms' };
const OPEN_GOAL: Goal = { op: '<=', limit: 50, unit: 'ms' };
const STARTUP_GOAL: Goal = { op: '<=', limit: 1.3 };
const IMPORT_TIME_GOAL: Goal = { op: '<=', limit: 10, unit: 's' };
const IMPORT_MEMORY_GOAL: Goal = { op: '<=', limit: 2 };
const STREAM_DURING_IMPORT_GOAL: Goal = { op: '<=', limit: 50, unit: 'ms' };
const MB = 1024 * 1024;

const IDS = [
  { id: '10a', name: 'Import of a 10,000-conversation export' },
  { id: '10b', name: 'History: first page of GET /conversations' },
  { id: '10c', name: 'History: GET /search, rare word' },
  { id: '10d', name: 'History: GET /search, median word' },
  { id: '10e', name: 'History: GET /search, very common word' },
  { id: '10f', name: 'History: GET /search, 2-character CJK' },
  { id: '10g', name: 'History: open a 2,000-message conversation' },
  { id: '10h', name: 'History: database size ÷ text size' },
  { id: '10i', name: 'Start-up with that history ÷ with none' },
  { id: '10n', name: 'A stream during an import: added per-token delay' },
];

/** Samples peak memory inside the server every 5 ms (the import runs in its worker; the main thread stays free). */
const START_SAMPLING = `(() => {
  const before = process.memoryUsage();
  globalThis.__historyBench = { before, cpu: process.cpuUsage(), peakHeap: 0, peakRss: 0 };
  globalThis.__historyBenchTimer = setInterval(() => {
    const now = process.memoryUsage();
    const peaks = globalThis.__historyBench;
    peaks.peakHeap = Math.max(peaks.peakHeap, now.heapUsed + now.arrayBuffers);
    peaks.peakRss = Math.max(peaks.peakRss, now.rss);
  }, 5);
  return { heap: before.heapUsed + before.arrayBuffers, rss: before.rss };
})()`;
const STOP_SAMPLING = `(() => {
  clearInterval(globalThis.__historyBenchTimer);
  return globalThis.__historyBench;
})()`;

interface Peaks {
  peakHeap: number;
  peakRss: number;
}

async function timed(url: string, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, {
    headers: { authorization: `Bearer ${tokenOf(url) ?? ''}` },
  });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return elapsed;
}

async function p95Of(url: string, path: string, runs: number): Promise<number[]> {
  for (let i = 0; i < 5; i++) await timed(url, path);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timed(url, path));
  return samples;
}

/** `POST /import` of a generated export, streamed from its file. */
export async function importFile(
  url: string,
  history: GeneratedHistory,
): Promise<{ ms: number; result: unknown }> {
  const started = performance.now();
  const response = await fetch(`${url}/import`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokenOf(url) ?? ''}`,
      'content-type': 'application/json',
    },
    body: Readable.toWeb(createReadStream(history.path)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const result = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`POST /import answered ${response.status}: ${JSON.stringify(result)}`);
  return { ms: performance.now() - started, result };
}

/**
 * Waits until the server's store has indexed every imported message (the import answers first and
 * indexes in the background), read from the database file; the time it took.
 */
async function indexedAfter(dataDir: string, started: number): Promise<number> {
  const db = new DatabaseSync(join(dataDir, 'lightchat.db'), { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const waiting = db.prepare('SELECT count(*) AS n FROM messages_unindexed');
    while (Number((waiting.get() as { n: number }).n) > 0) await sleep(50);
    return performance.now() - started;
  } finally {
    db.close();
  }
}

const latencyRow = (id: string, name: string, samples: number[], goal: Goal, what: string): BenchRow => {
  const p95 = percentile(samples, 95);
  return {
    id,
    name,
    figure: `p95 ${fmt(p95)} ms (p50 ${fmt(median(samples))})`,
    reference: what,
    ratio: '—',
    goal: describeGoal(goal),
    status: statusOf([meets(p95, goal)]),
    data: { samples },
  };
};

/** `serve` from spawn to its ready line with this data directory, median of alternating runs. */
async function startupTimes(context: BenchContext, dir: string, dataDirs: string[], runs: number) {
  const config = join(dir, 'startup-settings.yaml');
  await writeFile(config, settingsYaml(context.fakes), { mode: 0o600 });
  const once = async (dataDir: string) => {
    const started = performance.now();
    const child = new Child(
      process.execPath,
      [
        CLI,
        'serve',
        '--port',
        String(await freePort()),
        '--config',
        config,
        '--no-log',
        '--data-dir',
        dataDir,
      ],
      { env: serverEnv() },
    );
    try {
      await child.waitForLine(READY_LINE, 30_000);
      return performance.now() - started;
    } finally {
      await child.stop();
    }
  };
  const times = dataDirs.map(() => [] as number[]);
  for (const dataDir of dataDirs) await once(dataDir);
  for (let run = 0; run < runs; run++) {
    for (const [index, dataDir] of dataDirs.entries()) times[index]?.push(await once(dataDir));
  }
  return times;
}

/** A chat read through `POST /chat` while something else may run: each token's delay, parsed − emitted. */
async function stampedChat(context: BenchContext, url: string, id: string) {
  const spec: AnswerSpec = { kind: 'tagged', tokens: 400, rate: 200, stamp: true, id };
  const pieces: [string, number][] = [];
  const result = await restChat(url, { prompt: promptFor(spec), provider_id: OLLAMA_PROVIDER }, (text, at) =>
    pieces.push([text, at]),
  );
  const delays = matchDelays(pieces, await context.fakes.emits(id));
  return { ok: result.text === answerText(spec) && delays.length === spec.tokens, delays };
}

/**
 * Row 10n: the store never blocks the server's main thread. Chats of 400 tokens at 200 tok/s are
 * relayed one after another while the export is imported into a fresh data directory of another
 * `serve`; the same chats with nothing else running are the reference. Delay = parsed by the client
 * − emitted by the fake, as in row 4.
 */
async function streamDuringImportRow(
  context: BenchContext,
  history: GeneratedHistory,
  dir: string,
): Promise<BenchRow> {
  const dataDir = join(dir, 'import-while-streaming');
  await mkdir(dataDir);
  const server = await LightChatServer.start(context.fakes, {
    logging: false,
    args: ['--data-dir', dataDir],
  });
  const idle: number[] = [];
  const during: number[] = [];
  let ok = true;
  let chats = 0;
  let importMs = 0;
  try {
    await restChat(server.url, { prompt: 'warm up', provider_id: OLLAMA_PROVIDER });
    for (let round = 0; round < 3; round++) {
      const chat = await stampedChat(context, server.url, `idle-${round}`);
      ok &&= chat.ok;
      idle.push(...chat.delays);
    }
    let importing = true;
    const imported = importFile(server.url, history).finally(() => {
      importing = false;
    });
    while (importing) {
      const chat = await stampedChat(context, server.url, `importing-${chats}`);
      ok &&= chat.ok;
      during.push(...chat.delays);
      chats += 1;
    }
    importMs = (await imported).ms;
  } finally {
    await server.stop();
    await context.fakes.forget();
  }
  const added = percentile(during, 99) - percentile(idle, 99);
  return {
    id: '10n',
    name: 'A stream during an import: added per-token delay',
    figure: `p99 ${fmt(percentile(during, 99))} ms (p50 ${fmt(median(during))}, max ${fmt(Math.max(...during))}) during the import`,
    reference: `p99 ${fmt(percentile(idle, 99))} ms (p50 ${fmt(median(idle))}) with nothing else running`,
    ratio: `${added >= 0 ? '+' : ''}${fmt(added)} ms`,
    goal: `added p99 ${describeGoal(STREAM_DURING_IMPORT_GOAL)}, every chat its own text`,
    status: statusOf([meets(added, STREAM_DURING_IMPORT_GOAL), ok, chats > 0]),
    note: `${chats} chats of 400 tokens at 200 tok/s through POST /chat, one after another during the ${fmt(history.bytes / MB)} MB import (${fmt(importMs / 1000)} s) into an empty history; 3 such chats before it are the reference`,
    data: { idle, during, chats, importMs, added },
  };
}

/**
 * Rows 10a–10i and 10n (issue 12): a generated history of 10,000 conversations and 100,000 messages (≈ 60 MB
 * of text with code and Chinese) imported into a real `serve` through `POST /import`, then listed,
 * searched and opened over REST; the database's size; and `serve`'s start-up with it.
 */
export const historySection: BenchSection = {
  key: 'history',
  ids: IDS,
  async run(context) {
    const shape = context.quick
      ? { conversations: 1000, messages: 10_000, longest: 2000 }
      : { conversations: 10_000, messages: 100_000, longest: 2000 };
    const reduced = context.quick ? '1,000 conversations / 10,000 messages' : undefined;
    const runs = context.quick ? 40 : 100;
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-bench-history-'));
    try {
      context.log('history: generating the export');
      const history = await generateHistory(join(dir, 'export.json'), shape);
      context.log(`history: ${fmt(history.bytes / MB)} MB export, ${fmt(history.textBytes / MB)} MB of text`);
      const dataDir = join(dir, 'data');
      await mkdir(dataDir);
      const server = await LightChatServer.start(context.fakes, {
        logging: false,
        nodeFlags: ['--inspect=127.0.0.1:0'],
        args: ['--data-dir', dataDir],
      });
      const rows: BenchRow[] = [];
      try {
        const [, wsUrl] = await server.child.waitForLine(/Debugger listening on (ws:\/\/\S+)/, 10_000);
        const inspector = await InspectorSession.connect(wsUrl as string);
        const before = await inspector.evaluate<{ heap: number; rss: number }>(START_SAMPLING);
        const started = performance.now();
        const imported = await importFile(server.url, history);
        // The server's CPU time (all its threads) until the answer: on a loaded machine the wall
        // time mostly measures the other processes, this does not.
        const cpu = await inspector.evaluate<{ user: number; system: number }>(
          'process.cpuUsage(globalThis.__historyBench.cpu)',
        );
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        // The rows below measure the settled history: the search index has every message.
        const indexedMs = await indexedAfter(dataDir, started);
        const peaks = await inspector.evaluate<Peaks>(STOP_SAMPLING);
        inspector.close();
        const heapGrowth = (peaks.peakHeap - before.heap) / history.bytes;
        const rssGrowth = (peaks.peakRss - before.rss) / history.bytes;
        const seconds = imported.ms / 1000;
        rows.push({
          id: '10a',
          name: `Import of a ${shape.conversations.toLocaleString('en-US')}-conversation export`,
          figure: `${fmt(seconds)} s (server CPU ${fmt(cpuSeconds)} s); peak heap+arrayBuffers +${fmt((peaks.peakHeap - before.heap) / MB)} MB, RSS +${fmt((peaks.peakRss - before.rss) / MB)} MB (peak ${fmt(peaks.peakRss / MB)} MB)`,
          reference: `${fmt(history.bytes / MB)} MB file`,
          ratio: `memory ${fmt(heapGrowth)}× / RSS ${fmt(rssGrowth)}× the file`,
          goal: `${describeGoal(IMPORT_TIME_GOAL)}, growth ≤ 2× the file`,
          status: statusOf([
            meets(seconds, IMPORT_TIME_GOAL),
            meets(heapGrowth, IMPORT_MEMORY_GOAL),
            meets(rssGrowth, IMPORT_MEMORY_GOAL),
          ]),
          ...(reduced ? { reduced } : {}),
          note: `answer ${JSON.stringify(imported.result)}; every message in the search index ${fmt(indexedMs / 1000)} s after the upload began (the store indexes after it answers; search finds waiting messages by their text meanwhile); memory is the server process's growth until then (the store's worker included in RSS)`,
          data: { seconds, cpu, indexedMs, before, peaks, fileBytes: history.bytes, result: imported.result },
        });

        rows.push(
          latencyRow(
            '10b',
            'History: first page of GET /conversations',
            await p95Of(server.url, '/conversations?limit=50', runs),
            LIST_GOAL,
            `${runs} requests, 50 of ${shape.conversations.toLocaleString('en-US')} conversations`,
          ),
        );
        for (const [index, band] of history.bands.entries()) {
          const row = IDS[2 + index] as { id: string; name: string };
          rows.push(
            latencyRow(
              row.id,
              row.name,
              await p95Of(server.url, `/search?q=${encodeURIComponent(band.query)}&limit=20`, runs),
              SEARCH_GOAL,
              `"${band.query}" in ${band.messages.toLocaleString('en-US')} of ${shape.messages.toLocaleString('en-US')} messages`,
            ),
          );
        }
        // Opening reads what the app reads: the latest 40 messages (it reads more as the user
        // scrolls up). The whole branch, which scripts get without `last`, is printed beside it.
        const whole = await p95Of(server.url, `/conversations/${history.longestId}`, Math.min(runs, 30));
        const opened = latencyRow(
          '10g',
          'History: open a 2,000-message conversation',
          await p95Of(server.url, `/conversations/${history.longestId}?last=40`, Math.min(runs, 60)),
          OPEN_GOAL,
          `GET /conversations/{id}?last=40 (what the app reads) of ${shape.longest.toLocaleString('en-US')} messages on its branch; the whole branch: p95 ${fmt(percentile(whole, 95))} ms (p50 ${fmt(median(whole))})`,
        );
        rows.push({ ...opened, data: { ...opened.data, whole } });
      } finally {
        await server.stop();
      }
      const sizes = await Promise.all(
        ['lightchat.db', 'lightchat.db-wal'].map((name) =>
          stat(join(dataDir, name)).then(
            (s) => s.size,
            () => 0,
          ),
        ),
      );
      const dbBytes = (sizes[0] ?? 0) + (sizes[1] ?? 0);
      rows.push({
        id: '10h',
        name: 'History: database size ÷ text size',
        figure: `${fmt(dbBytes / MB)} MB lightchat.db`,
        reference: `${fmt(history.textBytes / MB)} MB of message text`,
        ratio: `${fmt(dbBytes / history.textBytes)}×`,
        goal: 'printed',
        status: 'PASS',
        note: 'the messages, the trigram search index and the title index',
        data: { dbBytes, textBytes: history.textBytes },
      });

      const empty = join(dir, 'empty-data');
      await mkdir(empty);
      const [withHistory, withNone] = await startupTimes(
        context,
        dir,
        [dataDir, empty],
        context.quick ? 3 : 5,
      );
      const ratio = median(withHistory ?? []) / median(withNone ?? []);
      rows.push({
        id: '10i',
        name: 'Start-up with that history ÷ with none',
        figure: `${fmt(median(withHistory ?? []))} ms to the ready line`,
        reference: `${fmt(median(withNone ?? []))} ms with an empty data directory`,
        ratio: `${fmt(ratio)}×`,
        goal: describeGoal(STARTUP_GOAL),
        status: statusOf([meets(ratio, STARTUP_GOAL)]),
        data: { withHistory, withNone },
      });
      rows.push(await streamDuringImportRow(context, history, dir));
      if (reduced) for (const row of rows) row.reduced ??= reduced;
      return rows;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
