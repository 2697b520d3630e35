import type { ProviderImage } from '../../domain/provider.js';

/**
 * A JSON request body whose images go as base64 strings without ever being whole in memory: the
 * JSON around them is made once (small) and sent first; each image's file is then read and encoded
 * a chunk at a time as the socket takes the body. The bytes are the same as `JSON.stringify` of the
 * value with the base64 strings in place (base64 needs no JSON escaping), so the receiving server
 * cannot tell the difference.
 */

export interface StreamedJson {
  /** Stands in for the image's base64 inside the value given to `body` (anywhere in a string). */
  base64(image: ProviderImage): string;
  /** The body, built from `value`, in which each stand-in becomes its image's base64. */
  body(value: unknown): ReadableStream<Uint8Array>;
  /** The same from JSON an SDK serialised itself (Gemini's), when it carries this body's stand-ins. */
  serialized(text: string): ReadableStream<Uint8Array> | null;
  /**
   * Why the body could not be sent whole (an image's file gone from the disk), once it failed: the
   * adapter reports this rather than the network error `fetch` makes of it.
   */
  readonly failure: unknown;
}

export function streamedJson(): StreamedJson {
  // A marker no text of the request can hold by chance; it never reaches the wire.
  const nonce = crypto.randomUUID();
  const images: ProviderImage[] = [];
  let failure: unknown;
  const streamed = (text: string) => {
    const parts = text.split(new RegExp(`lightchat-file-${nonce}-(\\d+)`));
    return readableFrom(pieces(parts, images), (error) => {
      failure = error;
    });
  };
  return {
    base64(image) {
      images.push(image);
      return `lightchat-file-${nonce}-${images.length - 1}`;
    },
    body(value) {
      return streamed(JSON.stringify(value));
    },
    serialized(text) {
      return images.length > 0 && text.includes(`lightchat-file-${nonce}-`) ? streamed(text) : null;
    },
    get failure() {
      return failure;
    },
  };
}

/** Text between markers as UTF-8, each marker as its image's base64, one chunk per read. */
async function* pieces(parts: string[], images: ProviderImage[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 0) {
      if (part !== '') yield encoder.encode(part);
      continue;
    }
    const image = images[Number(part)];
    if (!image) continue;
    for await (const base64 of base64Chunks(image.chunks())) yield Buffer.from(base64, 'latin1');
  }
}

/**
 * Bytes per base64 piece: a multiple of 3, and small enough that each piece (and its base64) is a
 * young object the next scavenge frees, not a large one that waits for a full GC.
 */
export const PIECE_BYTES = 3 * 16 * 1024;

/**
 * The base64 of a source's bytes, piece by piece as it is read: base64 of lengths that are multiples
 * of 3 joins into the base64 of the whole, so each chunk is encoded in aligned pieces of at most
 * PIECE_BYTES (no copy), and only the 0–2 bytes left at its end wait for the next chunk. The next
 * chunk is read only when the last piece has been taken: the encoder holds one chunk at a time.
 */
export async function* base64Chunks(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let carry = Buffer.alloc(0);
  for await (const chunk of source) {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (carry.length > 0) {
      const need = Math.min(3 - carry.length, bytes.length);
      carry = Buffer.concat([carry, bytes.subarray(0, need)]);
      bytes = bytes.subarray(need);
      if (carry.length < 3) continue;
      yield carry.toString('base64');
    }
    const aligned = bytes.length - (bytes.length % 3);
    // The tail is copied (≤ 2 bytes): the source may reuse its buffer for the next chunk.
    carry = Buffer.from(bytes.subarray(aligned));
    for (let start = 0; start < aligned; start += PIECE_BYTES) {
      yield bytes.subarray(start, Math.min(aligned, start + PIECE_BYTES)).toString('base64');
    }
  }
  if (carry.length > 0) yield carry.toString('base64');
}

/**
 * Pulled as the socket takes it, with nothing queued ahead (high-water mark 0): a slow server holds
 * the reading back, not memory, and the JSON before the first image goes out before its file is read.
 */
function readableFrom(
  source: AsyncGenerator<Uint8Array>,
  onFailure: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await source.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          onFailure(error);
          controller.error(error);
        }
      },
      async cancel() {
        await source.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
