import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMPORTS_DIR } from '../../unit/import/import-data.js';
import { rawRequest, startWorld, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ history: true });
});
afterAll(() => world.close());

const nexus = () => readFileSync(join(IMPORTS_DIR, 'chatgpt-nexus-full-2023.json'));

const postImport = (target: World, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${target.url}/import`, { method: 'POST', headers: { ...target.auth, ...headers }, body });

describe('POST /import', () => {
  it('takes a 2 MB ChatGPT export (past the 1 MiB limit of other routes) and answers the counts', async () => {
    const file = nexus();
    expect(file.length).toBeGreaterThan(1024 * 1024);
    const response = await postImport(world, file, { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ imported: 17, skipped: 0, failed: [], messages: 676 });
    const again = await postImport(world, file);
    expect(await again.json()).toEqual({ imported: 0, skipped: 17, failed: [], messages: 0 });
  });

  it('reads the file as the socket hands it over, not through a web stream that copies each chunk', async () => {
    const toWeb = vi.spyOn(Readable, 'toWeb');
    try {
      const response = await postImport(world, nexus(), { 'content-type': 'application/json' });
      const result = (await response.json()) as { imported: number; skipped: number; failed: unknown[] };
      expect(result.failed).toEqual([]);
      expect(result.imported + result.skipped).toBe(17);
      expect(toWeb).not.toHaveBeenCalled();
    } finally {
      toWeb.mockRestore();
    }
  });

  it('streams a body sent in chunks with no content-length', async () => {
    const file = nexus();
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < file.length; at += 64 * 1024)
          controller.enqueue(file.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    const response = await fetch(`${world.url}/import`, {
      method: 'POST',
      headers: world.auth,
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ imported: 0, skipped: 17 });
  });

  it('a file in no known format is 422 IMPORT_INVALID', async () => {
    const response = await postImport(world, JSON.stringify({ hello: 'world' }));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error_code: 'IMPORT_INVALID' });
  });

  it('refuses a body declared past 200 MiB at once; other routes keep their 1 MiB limit', async () => {
    const huge = await rawRequest(world.port, {
      method: 'POST',
      path: '/import',
      headers: { ...world.auth, 'content-length': String(201 * 1024 * 1024) },
      body: '',
    });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
    const other = await fetch(`${world.url}/conversations`, {
      method: 'POST',
      headers: { ...world.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(1024 * 1024) }),
    });
    expect(other.status).toBe(413);
  });
});

describe('export', () => {
  it('GET /conversations/{id}/export gives Markdown or LightChat JSON as an attachment', async () => {
    const { items } = await world.core.conversations.list({ limit: 200 });
    const tree = items.find((c) => c.title === 'Sauvegarde dans xigmaNAS');
    expect(tree).toBeDefined();
    const md = await fetch(`${world.url}/conversations/${tree?.id}/export?format=md`, {
      headers: world.auth,
    });
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.headers.get('content-disposition')).toBe(
      `attachment; filename="Sauvegarde dans xigmaNAS.md"; filename*=UTF-8''Sauvegarde%20dans%20xigmaNAS.md`,
    );
    const text = await md.text();
    expect(text.startsWith('# Sauvegarde dans xigmaNAS\n\n**User**\n\nY a-t-il une solution de backup')).toBe(
      true,
    );

    const json = await fetch(`${world.url}/conversations/${tree?.id}/export?format=json`, {
      headers: world.auth,
    });
    expect(json.headers.get('content-disposition')).toMatch(/filename="Sauvegarde dans xigmaNAS.json"/);
    const document = (await json.json()) as {
      format: string;
      conversations: { id: string; messages: unknown[] }[];
    };
    expect(document.format).toBe('lightchat.conversations');
    expect(document.conversations[0]?.id).toBe(tree?.id);
    expect(document.conversations[0]?.messages).toHaveLength(24);

    const wrong = await fetch(`${world.url}/conversations/${tree?.id}/export?format=pdf`, {
      headers: world.auth,
    });
    expect(wrong.status).toBe(422);
    const missing = await fetch(`${world.url}/conversations/00000000-0000-4000-8000-000000000000/export`, {
      headers: world.auth,
    });
    expect(missing.status).toBe(404);
  });

  it('GET /export streams all history as a ZIP that imports into another LightChat', async () => {
    const response = await fetch(`${world.url}/export`, { headers: world.auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="lightchat-history-/);
    const zip = new Uint8Array(await response.arrayBuffer());
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual(['conversations.json']);
    const document = JSON.parse(strFromU8(entries['conversations.json'] as Uint8Array)) as {
      conversations: unknown[];
    };
    expect(document.conversations).toHaveLength(17);

    const other = await startWorld({ history: true });
    try {
      const imported = await postImport(other, zip);
      expect(await imported.json()).toEqual({ imported: 17, skipped: 0, failed: [], messages: 676 });
    } finally {
      await other.close();
    }
  });

  it('tRPC conversations.export gives the same file', async () => {
    const { items } = await world.core.conversations.list({ limit: 1 });
    const id = items[0]?.id as string;
    const input = encodeURIComponent(JSON.stringify({ id, format: 'json' }));
    const response = await fetch(`${world.url}/trpc/conversations.export?input=${input}`, {
      headers: world.auth,
    });
    const { result } = (await response.json()) as {
      result: { data: { filename: string; mimeType: string; content: string } };
    };
    const rest = await fetch(`${world.url}/conversations/${id}/export?format=json`, { headers: world.auth });
    expect(result.data.content).toBe(await rest.text());
    expect(result.data.filename.endsWith('.json')).toBe(true);
  });
});
