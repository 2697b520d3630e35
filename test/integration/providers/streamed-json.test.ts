import { describe, expect, it } from 'vitest';
import { base64Chunks, streamedJson } from '../../../src/adapters/providers/streamed-json.js';
import type { ProviderImage } from '../../../src/domain/provider.js';

/** Bytes that are no multiple of 3 long, with every value. */
function bytes(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let index = 0; index < size; index++) data[index] = (index * 7919 + 13) % 256;
  return data;
}

/** A source that hands `data` out in chunks of the given sizes (cycled), counting its reads. */
function chunkedSource(data: Uint8Array, sizes: number[]) {
  const state = { reads: 0, started: false };
  async function* read(): AsyncGenerator<Uint8Array> {
    state.started = true;
    let at = 0;
    for (let turn = 0; at < data.length; turn++) {
      const size = sizes[turn % sizes.length] ?? 1;
      state.reads += 1;
      // A fresh copy each time, then overwritten after it is taken: an encoder that kept a
      // reference to an earlier chunk instead of its base64 would send the wrong bytes.
      const chunk = data.slice(at, at + size);
      yield chunk;
      chunk.fill(0);
      at += size;
    }
  }
  return { state, read };
}

const imageOf = (source: ReturnType<typeof chunkedSource>, size: number): ProviderImage => ({
  name: 'a.png',
  mimeType: 'image/png',
  size,
  chunks: source.read,
});

describe('the base64 encoder of an image on its way to a provider', () => {
  it('gives the base64 of the whole for chunks of any size, aligned or not', async () => {
    const data = bytes(30_001);
    for (const sizes of [[1], [2], [3], [4, 5], [1, 1, 7], [65_536], [196_608], [100_003], [3, 1, 2, 8191]]) {
      const source = chunkedSource(data, sizes);
      let text = '';
      for await (const piece of base64Chunks(source.read())) text += piece;
      expect(text, `chunks of ${sizes.join(', ')}`).toBe(Buffer.from(data).toString('base64'));
    }
  });

  it('reads the next chunk only when the last one’s base64 has been taken: one chunk in hand at a time', async () => {
    const data = bytes(50_000);
    const source = chunkedSource(data, [4096, 1000, 7]);
    const pieces = base64Chunks(source.read());
    let taken = 0;
    for (;;) {
      const { done } = await pieces.next();
      if (done) break;
      taken += 1;
      // Each piece comes from the chunks read so far; a chunk too small to give a whole 3 bytes
      // waits for the next, so reads may run at most a few ahead of pieces, never the whole file.
      expect(source.state.reads).toBeLessThanOrEqual(taken + 1);
    }
    expect(taken).toBeGreaterThan(10);
  });

  it('sends the JSON before the first image before that image is read', async () => {
    const data = bytes(10_000);
    const source = chunkedSource(data, [3000]);
    const json = streamedJson();
    const reader = json
      .body({
        model: 'm',
        messages: [{ role: 'user', content: 'Hi', images: [json.base64(imageOf(source, 10_000))] }],
      })
      .getReader();
    const first = await reader.read();
    if (first.done) throw new Error('the body ended before its first piece');
    expect(new TextDecoder().decode(first.value)).toBe(
      '{"model":"m","messages":[{"role":"user","content":"Hi","images":["',
    );
    expect(source.state.started).toBe(false);
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe(`${Buffer.from(data).toString('base64')}"]}]}`);
  });

  it('keeps why the body failed when an image cannot be read, and fails the stream with it', async () => {
    const json = streamedJson();
    const gone = new Error('the file is gone');
    const image: ProviderImage = {
      name: 'a.png',
      mimeType: 'image/png',
      size: 3,
      // biome-ignore lint/correctness/useYield: a file that fails before its first chunk
      async *chunks() {
        throw gone;
      },
    };
    const reader = json.body({ images: [json.base64(image)] }).getReader();
    const first = await reader.read();
    if (first.done) throw new Error('the body ended before its first piece');
    await expect(reader.read()).rejects.toBe(gone);
    expect(json.failure).toBe(gone);
  });
});
