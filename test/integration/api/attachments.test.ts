import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileBlock } from '../../../src/domain/attachment.js';
import { estimateTokens } from '../../../src/domain/services/context-window.js';
import { jpegBytes, pdfBytes, pngBytes } from '../../fixtures/files.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { startWorld, type World } from './support.js';

let world: World;
let dir: string;
beforeAll(async () => {
  world = await startWorld({ history: true });
  dir = join(world.dir, 'data', 'attachments');
});
afterAll(() => world.close());

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

async function upload(name: string | null, body: Uint8Array | string, type?: string) {
  const response = await fetch(
    `${world.url}/attachments${name === null ? '' : `?name=${encodeURIComponent(name)}`}`,
    {
      method: 'POST',
      headers: { ...world.auth, ...(type ? { 'content-type': type } : {}) },
      body: typeof body === 'string' ? body : Buffer.from(body),
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What the folder holds besides the empty `tmp/`: the files of finished uploads only. */
async function stored(): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const temps = await readdir(join(dir, 'tmp')).catch(() => [] as string[]);
  return [...names.filter((name) => name !== 'tmp'), ...temps.map((name) => `tmp/${name}`)].sort();
}

describe('POST /attachments', () => {
  it('stores an image content-addressed and answers its id, hash, name, type and size', async () => {
    const png = pngBytes(100);
    const { status, body } = await upload('cat.png', png, 'image/png');
    expect(status).toBe(201);
    expect(body).toEqual({
      id: sha(png),
      sha256: sha(png),
      name: 'cat.png',
      mime_type: 'image/png',
      size: png.length,
      kind: 'image',
      tokens: 768, // an image's share of the context window, as the window is fitted
    });
    expect(new Uint8Array(await readFile(join(dir, sha(png))))).toEqual(png);
  });

  it('stores the same bytes once, whatever they are called', async () => {
    const png = pngBytes(7);
    const first = await upload('a.png', png);
    const second = await upload('b.png', png);
    expect(second.body.id).toBe(first.body.id);
    expect((await stored()).filter((name) => name === first.body.id)).toHaveLength(1);
  });

  it('tells the type from the bytes when the client declares none', async () => {
    const { status, body } = await upload('photo', jpegBytes(), 'application/octet-stream');
    expect(status).toBe(201);
    expect(body.mime_type).toBe('image/jpeg');
  });

  it('takes UTF-8 text files: Markdown, CSV, JSON, source', async () => {
    for (const [name, text, type] of [
      ['notes.md', '# Notes\n\nÜber alles ✓', 'text/markdown'],
      ['table.csv', 'a,b\n1,2\n', 'text/csv'],
      ['data.json', '{"a": [1, 2]}', 'application/json'],
      ['main.rs', 'fn main() {}\n', 'text/plain'],
    ] as const) {
      const { status, body } = await upload(name, text);
      expect(status, name).toBe(201);
      expect(body, name).toMatchObject({ kind: 'text', mime_type: type, size: Buffer.byteLength(text) });
      // What the file costs the model, by the estimate the context window is fitted with.
      expect(body.tokens, name).toBe(estimateTokens(fileBlock(name, text)));
    }
  });

  it('reads the text of a PDF when it arrives', async () => {
    const pdf = pdfBytes(['Quarterly report', 'Second page']);
    const { status, body } = await upload('report.pdf', pdf, 'application/pdf');
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'pdf', mime_type: 'application/pdf' });
    const text = await readFile(join(dir, `${sha(pdf)}.txt`), 'utf8');
    expect(text).toContain('Quarterly report');
    expect(text).toContain('Second page');
  });

  describe('refuses, with a clear error and nothing left on disk,', () => {
    const refusals: [
      string,
      () => Promise<{ status: number; body: Record<string, unknown> }>,
      number,
      string,
      string,
    ][] = [
      [
        'a .png that is not a PNG',
        () => upload('cat.png', 'just text'),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'type_mismatch',
      ],
      [
        'a PNG named as Markdown',
        () => upload('notes.md', pngBytes()),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'type_mismatch',
      ],
      [
        'a PNG declared as a JPEG',
        () => upload('x', pngBytes(), 'image/jpeg'),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'type_mismatch',
      ],
      [
        'a file declared as a PDF that is not one',
        () => upload('paper', 'hello', 'application/pdf'),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'type_mismatch',
      ],
      [
        'a binary file',
        () =>
          upload('archive.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff, 0xfe, 0, 1, 2, 3, 4])),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'not_text',
      ],
      [
        'text that is not UTF-8',
        () => upload('latin1.txt', new Uint8Array(Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e', 'latin1'))),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'not_text',
      ],
      [
        'a .json file that does not parse',
        () => upload('data.json', '{"a": '),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'invalid_json',
      ],
      [
        'a declared type LightChat cannot send',
        () => upload('movie.mp4', 'not really', 'video/mp4'),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'unsupported_type',
      ],
      ['an empty file', () => upload('empty.txt', ''), 422, 'ATTACHMENT_UNSUPPORTED', 'empty'],
      [
        'a text file over 1 MB',
        () => upload('big.txt', 'a'.repeat(1024 * 1024 + 1)),
        413,
        'ATTACHMENT_TOO_LARGE',
        '',
      ],
      [
        'an image over 20 MB',
        () => upload('big.png', pngBytes(20 * 1024 * 1024)),
        413,
        'ATTACHMENT_TOO_LARGE',
        '',
      ],
      [
        'a PDF without text (a scan)',
        () => upload('scan.pdf', pdfBytes(['', ''])),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'no_text',
      ],
      [
        'a broken PDF',
        () => upload('broken.pdf', new TextEncoder().encode(`%PDF-1.4\n${'garbage '.repeat(50)}`)),
        422,
        'ATTACHMENT_UNSUPPORTED',
        'unreadable_pdf',
      ],
    ];
    for (const [what, send, status, code, reason] of refusals) {
      it(what, async () => {
        const before = await stored();
        const answer = await send();
        expect(answer.status).toBe(status);
        expect(answer.body.error_code).toBe(code);
        expect(String(answer.body.message)).toMatch(/"[^"]+"/); // names the file
        if (reason) expect((answer.body.details as { reason?: string }).reason).toBe(reason);
        expect(await stored()).toEqual(before);
      });
    }
  });

  it('asks for a name', async () => {
    const { status, body } = await upload(null, 'text');
    expect(status).toBe(422);
    expect(body.error_code).toBe('VALIDATION_ERROR');
  });

  it('refuses a body declared over 32 MiB before reading it', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${world.url}/attachments?name=huge.png`,
        {
          method: 'POST',
          headers: { ...world.auth, 'content-length': String(33 * 1024 * 1024) },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.from(pngBytes()));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error_code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('reads the upload as the socket hands it over, not through a web stream that copies each chunk', async () => {
    // Node's `Readable.toWeb` copies every chunk: a 20 MB upload then left 40 MB of buffers
    // behind it (bench row 15a). The bytes must still arrive whole and in order.
    const toWeb = vi.spyOn(Readable, 'toWeb');
    try {
      const png = pngBytes(3 * 1024 * 1024);
      const { status, body } = await upload('large.png', png, 'image/png');
      expect(status).toBe(201);
      expect(body.size).toBe(png.length);
      expect(new Uint8Array(await readFile(join(dir, sha(png))))).toEqual(png);
      expect(toWeb).not.toHaveBeenCalled();
    } finally {
      toWeb.mockRestore();
    }
  });

  it('leaves nothing behind when the upload is cut', async () => {
    const before = await stored();
    const req = httpRequest(`${world.url}/attachments?name=cut.png`, {
      method: 'POST',
      headers: { ...world.auth, 'content-length': String(4 * 1024 * 1024) },
    });
    req.on('error', () => {});
    req.write(Buffer.from(pngBytes(1024 * 1024)));
    // The server has started the upload (its temp file exists) before the cut.
    await waitFor(async () => (await stored()).some((name) => name.startsWith('tmp/')));
    req.destroy();
    await waitFor(async () => JSON.stringify(await stored()) === JSON.stringify(before));
  });
});

describe('GET /attachments/{id}', () => {
  it('serves the file back, never sniffed and never run as a page', async () => {
    const png = pngBytes(3);
    const { body } = await upload('ünïcode name.png', png);
    const response = await fetch(`${world.url}/attachments/${body.id}`, { headers: world.auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''%C3%BCn%C3%AFcode");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png);
  });

  it('serves text as text with its charset', async () => {
    const { body } = await upload('page.html', '<script>alert(1)</script>');
    const response = await fetch(`${world.url}/attachments/${body.id}`, { headers: world.auth });
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
  });

  it('answers 404 for an id it does not hold', async () => {
    for (const id of ['0'.repeat(64), '../settings.yaml', 'abc']) {
      const response = await fetch(`${world.url}/attachments/${encodeURIComponent(id)}`, {
        headers: world.auth,
      });
      expect(response.status, id).toBe(404);
      expect(((await response.json()) as { error_code: string }).error_code).toBe('NOT_FOUND');
    }
  });

  it('needs the API token like every other route', async () => {
    const response = await fetch(`${world.url}/attachments/${'0'.repeat(64)}`);
    expect(response.status).toBe(401);
  });
});
