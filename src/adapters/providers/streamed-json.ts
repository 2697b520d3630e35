/**
 * A JSON request body whose binary fields go as base64 strings without ever being whole in memory
 * as text: the JSON around them is made once (small), and each file is encoded a slice at a time as
 * the body is read. The bytes are the same as `JSON.stringify` of the value with those strings in
 * place (base64 needs no JSON escaping), so the receiving server cannot tell the difference.
 */

/** Base64 of slices whose length is a multiple of 3 joins into the base64 of the whole. */
const SLICE_BYTES = 3 * 64 * 1024;

export interface StreamedJson {
  /** Stands in for the base64 of `data` inside the value given to `body`. */
  base64(data: Uint8Array): string;
  /** The body, built from `value`, in which each stand-in becomes its file's base64. */
  body(value: unknown): ReadableStream<Uint8Array>;
}

export function streamedJson(): StreamedJson {
  // A marker no text of the request can hold by chance; it never reaches the wire.
  const nonce = crypto.randomUUID();
  const files: Uint8Array[] = [];
  return {
    base64(data) {
      files.push(data);
      return `lightchat-file-${nonce}-${files.length - 1}`;
    },
    body(value) {
      const text = JSON.stringify(value);
      const parts = text.split(new RegExp(`lightchat-file-${nonce}-(\\d+)`));
      return readableFrom(pieces(parts, files));
    },
  };
}

/** Text between markers as UTF-8, each marker as its file's base64, one slice per read. */
function* pieces(parts: string[], files: Uint8Array[]): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 0) {
      if (part !== '') yield encoder.encode(part);
      continue;
    }
    const data = files[Number(part)] ?? new Uint8Array();
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
      yield Buffer.from(bytes.subarray(start, start + SLICE_BYTES).toString('base64'), 'latin1');
    }
  }
}

/** Pulled as the socket takes it: a slow server holds the encoding back, not memory. */
function readableFrom(source: Iterator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = source.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel() {
      source.return?.();
    },
  });
}
