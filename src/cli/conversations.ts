import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toSnakeKeys } from '../domain/casing.js';
import type { ImportResult } from '../domain/conversation.js';
import type { ConversationsFlags, ExportFlags } from './main.js';
import { connect, reportFailure } from './remote.js';
import { restFetch } from './rest.js';
import { formatTable } from './table.js';
import { stripTerminalControls } from './terminal-text.js';

/**
 * `lightchat conversations …` (CONTRACT section 10), against a running LightChat: tables on a
 * terminal, `--json` (the REST API's snake_case) for scripts. Titles and texts come from models and
 * other apps' exports, so a terminal gets them without control sequences.
 */

const onTerminal = (): boolean => process.stdout.isTTY === true;
const print = (text: string): void => {
  process.stdout.write(`${onTerminal() ? stripTerminalControls(text) : text}\n`);
};
const printJson = (value: unknown): void => console.log(JSON.stringify(toSnakeKeys(value), null, 2));

/** `2026-12-01 17:05` in local time. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const oneLine = (text: string | null, max = 60): string => {
  const chars = Array.from((text ?? '').replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
};

async function attempt(flags: ConversationsFlags, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}

export const listConversations = (flags: ConversationsFlags & { limit: string }) =>
  attempt(flags, async () => {
    const page = await connect(flags).conversations.list.query({ limit: Number(flags.limit) });
    if (flags.json) return printJson(page);
    if (page.items.length === 0) return print('No stored conversations.');
    const rows = page.items.map((c) => [
      c.id,
      `${c.pinned ? '* ' : ''}${oneLine(c.title ?? '(untitled)')}`,
      String(c.messageCount),
      shortTime(c.updatedAt),
    ]);
    print(formatTable(['ID', 'TITLE', 'MESSAGES', 'UPDATED'], rows));
    if (page.nextCursor) print(`\n(more: --limit ${Math.min(200, Number(flags.limit) * 2)})`);
  });

export const showConversation = (id: string, flags: ConversationsFlags) =>
  attempt(flags, async () => {
    const client = connect(flags);
    if (flags.json) return printJson(await client.conversations.get.query({ id }));
    print((await client.conversations.export.query({ id, format: 'md' })).content.trimEnd());
  });

/** A snippet as plain text: the `<mark>` tags dropped, the rest unescaped. */
function snippetText(snippet: string): string {
  const text = snippet
    .replace(/<\/?mark>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return oneLine(text, 80);
}

export const searchConversations = (text: string, flags: ConversationsFlags & { limit: string }) =>
  attempt(flags, async () => {
    const items = await connect(flags).search.query({ query: text, limit: Number(flags.limit) });
    if (flags.json) return printJson({ items });
    if (items.length === 0) return print(`Nothing found for "${text}".`);
    const rows = items.map((item) => [
      item.conversationId,
      oneLine(item.conversationTitle ?? '(untitled)', 40),
      item.role ?? 'title',
      snippetText(item.snippet),
    ]);
    print(formatTable(['CONVERSATION', 'TITLE', 'IN', 'MATCH'], rows));
  });

export const exportConversations = (id: string | undefined, flags: ExportFlags) =>
  attempt(flags, async () => {
    if (flags.all) return exportAll(flags);
    if (id === undefined) throw new Error('name the conversation to export, or give --all for all history.');
    const file = await connect(flags).conversations.export.query({ id, format: flags.format });
    if (flags.output) {
      await pipeline(Readable.from([file.content]), createWriteStream(flags.output));
      process.stderr.write(`Wrote ${flags.output}\n`);
    } else process.stdout.write(file.content);
  });

/** All history as the server streams it (a ZIP), to a file or a pipe, never to a terminal. */
async function exportAll(flags: ExportFlags): Promise<void> {
  if (!flags.output && onTerminal()) {
    throw new Error('all history is a ZIP: give --output FILE (or redirect stdout to a file).');
  }
  const response = await restFetch(flags)('/export');
  const body = response.body as AsyncIterable<Uint8Array>;
  if (flags.output) {
    await pipeline(body, createWriteStream(flags.output));
    process.stderr.write(`Wrote ${flags.output}\n`);
    return;
  }
  for await (const chunk of body) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}

export const deleteConversation = (id: string, flags: ConversationsFlags) =>
  attempt(flags, async () => {
    await connect(flags).conversations.delete.mutate({ id });
    if (flags.json) printJson({ deleted: true, id });
    else print(`Deleted conversation ${id}.`);
  });

export const importConversations = (file: string, flags: ConversationsFlags) =>
  attempt(flags, async () => {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new Error(`there is no file ${file} to import.`);
    // Streamed: an export of hundreds of MB is never read whole.
    const response = await restFetch(flags)('/import', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    const result = (await response.json()) as {
      imported: number;
      skipped: number;
      messages: number;
      failed: { source_id: string | null; reason: string }[];
    };
    if (flags.json) return printJson(result);
    print(
      describeImport({
        ...result,
        failed: result.failed.map((f) => ({ sourceId: f.source_id, reason: f.reason })),
      }),
    );
  });

export function describeImport(result: ImportResult): string {
  const lines = [
    `Imported ${result.imported} conversation${result.imported === 1 ? '' : 's'} (${result.messages} new message${result.messages === 1 ? '' : 's'}); ${result.skipped} had nothing new.`,
  ];
  if (result.failed.length > 0) {
    lines.push(`${result.failed.length} could not be read:`);
    for (const failure of result.failed) lines.push(`  ${failure.sourceId ?? '(no id)'}: ${failure.reason}`);
  }
  return lines.join('\n');
}
