import { describe, expect, it } from 'vitest';
import { readImportStream, type StreamedReading } from '../../../src/adapters/store/formats/import-stream.js';
import { parseImportFile } from '../../../src/adapters/store/formats/parse-import.js';
import { importFile } from './import-data.js';

async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function readAll(bytes: Uint8Array, size: number): Promise<StreamedReading[]> {
  const readings: StreamedReading[] = [];
  for await (const reading of readImportStream(inPieces(bytes, size))) readings.push(reading);
  return readings;
}

const text = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('an import read as it streams', () => {
  // Pieces of 1, 7 and 4096 bytes cut inside strings, escapes, multi-byte characters and keys.
  for (const file of [
    'chatgpt-librechat-tree.json',
    'chatgpt-librechat-modern.json',
    'chatgpt-echomine-image-single.json',
    'claude-anthropic-data-thinking.json',
  ]) {
    it(`${file} gives what the whole-file reader gives, however the bytes are cut`, async () => {
      const bytes = importFile(file);
      const whole = parseImportFile(bytes);
      for (const size of [1, 7, 4096]) {
        const readings = await readAll(bytes, size);
        expect(readings.filter((r) => r.kind === 'conversation').map((r) => r.conversation)).toEqual(
          whole.conversations,
        );
        expect(readings.filter((r) => r.kind === 'failed').map((r) => r.failure)).toEqual(whole.failed);
        expect(new Set(readings.map((r) => r.format))).toEqual(new Set([whole.format]));
      }
    });
  }

  it('reads a LightChat file whose header comes after its conversations', async () => {
    const conversation = {
      id: 'c',
      title: 't',
      messages: [{ id: 'm', parent_id: null, role: 'user', content: 'hi "there" \\ ünïcode 你好' }],
    };
    const readings = await readAll(
      text({ conversations: [conversation], version: 1, format: 'lightchat.conversations' }),
      5,
    );
    expect(readings).toMatchObject([
      {
        kind: 'conversation',
        format: 'lightchat',
        conversation: { messages: [{ content: 'hi "there" \\ ünïcode 你好' }] },
      },
    ]);
  });

  it('a list whose first records show no format waits for one that does', async () => {
    const good = {
      id: 'g',
      mapping: {
        a: {
          id: 'a',
          parent: null,
          children: [],
          message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['hi'] } },
        },
      },
    };
    const readings = await readAll(text([{ id: 'odd' }, good]), 3);
    expect(readings.map((r) => r.kind)).toEqual(['failed', 'conversation']);
  });

  it('a file cut short yields what came before, then the cut', async () => {
    const bytes = importFile('chatgpt-librechat-websearch.json');
    const readings = await readAll(bytes.subarray(0, bytes.length - 100), 4096);
    expect(readings.map((r) => r.kind)).toEqual(['conversation', 'failed']);
    expect(readings[1]).toMatchObject({
      failure: { source_id: '#1', reason: expect.stringMatching(/cut short/) },
    });
  });

  it('a file in no known format yields nothing and is IMPORT_INVALID', async () => {
    await expect(readAll(text({ hello: 'world' }), 4)).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    await expect(readAll(text([{ a: 1 }, { b: 2 }]), 4)).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    const newer = readAll(text({ format: 'lightchat.conversations', version: 2, conversations: [] }), 4);
    await expect(newer).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    await expect(newer).rejects.toThrow(/version 2/);
  });

  it('a file cut inside its first conversation is IMPORT_INVALID: its format is not known yet', async () => {
    const bytes = importFile('chatgpt-librechat-websearch.json');
    await expect(readAll(bytes.subarray(0, 1000), 256)).rejects.toThrow(/cut short/);
  });
});
