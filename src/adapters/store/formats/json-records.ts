/**
 * Finds the records of a large export in its bytes as they stream in, without parsing the whole
 * file: the elements of a top-level array (ChatGPT, Claude.ai), or of the `conversations` array of
 * a top-level object (LightChat). Each record is handed over as its own bytes, to be parsed alone.
 * The other members of a top-level object are handed over the same way: they are small (`format`,
 * `version`), or together one ChatGPT conversation. Only the structure is tracked (strings,
 * nesting); `JSON.parse` of each record checks the rest.
 */

export interface JsonRecordSink {
  /** The top-level value opened: an array of records, or an object of members. */
  opened(shape: 'array' | 'object'): void;
  /** One record, `index` counted from 0 in its array. */
  record(parts: Uint8Array[], index: number): void;
  /** A member of a top-level object other than its `conversations` array. */
  member(key: string, parts: Uint8Array[]): void;
}

/** The bytes are not the JSON of an export (where, and what). */
export class JsonShapeError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** The member of a LightChat file whose elements are streamed as records. */
export const RECORDS_MEMBER = 'conversations';

interface Capture {
  kind: 'container' | 'string' | 'literal' | 'key';
  /** The nesting depth the value started at: it ends when the depth is back there. */
  depth: number;
  parts: Uint8Array[];
  start: number;
}

export class JsonRecordScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  private top: 'none' | 'array' | 'object' | 'done' = 'none';
  private capture: Capture | null = null;
  /** Inside a top-level object: the key whose value comes next, or null while a key is expected. */
  private key: string | null = null;
  /** The records' array is open (top-level, or the object's `conversations`). */
  private inRecords = false;
  private recordDepth = 1;
  private nextIndex = 0;
  private offset = 0;
  private first = true;

  constructor(private readonly sink: JsonRecordSink) {}

  /** Index of the record being read when the bytes ended or broke, if one was. */
  get openRecord(): number | null {
    return this.capture !== null && this.inRecords && this.capture.kind !== 'key' ? this.nextIndex : null;
  }

  /** True once the top-level value has closed. */
  get complete(): boolean {
    return this.top === 'done';
  }

  feed(chunk: Uint8Array): void {
    let i = 0;
    // A UTF-8 byte order mark is allowed before the JSON.
    if (this.first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    if (chunk.length > 0) this.first = false;
    const capture = this.capture;
    if (capture) capture.start = 0;
    const n = chunk.length;
    for (; i < n; i++) {
      const byte = chunk[i] as number;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (byte === BACKSLASH) this.escape = true;
        else if (byte === QUOTE) {
          this.inString = false;
          const open = this.capture;
          if (open !== null && (open.kind === 'string' || open.kind === 'key') && this.depth === open.depth) {
            this.finish(chunk, i + 1);
          }
        }
        continue;
      }
      const open = this.capture;
      if (open !== null) {
        if (open.kind === 'literal') {
          if (byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE || isSpace(byte)) {
            this.finish(chunk, i);
            i -= 1;
          }
          continue;
        }
        if (byte === QUOTE) this.inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth += 1;
        else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          this.depth -= 1;
          if (this.depth === open.depth) this.finish(chunk, i + 1);
        }
        continue;
      }
      if (isSpace(byte)) continue;
      this.structure(byte, i);
    }
    const still = this.capture;
    if (still !== null) {
      if (still.start < n) still.parts.push(chunk.subarray(still.start, n));
      still.start = 0;
    }
    this.offset += n;
  }

  /** The bytes ended: throws when the top-level value is not complete (a file cut short). */
  end(): void {
    if (this.top === 'done') return;
    if (this.top === 'none') throw new JsonShapeError('The file is empty.');
    throw new JsonShapeError('The file ends before its JSON does: it was cut short.');
  }

  /** A byte between values: opens the top level, a record's array, a key or a value. */
  private structure(byte: number, i: number): void {
    const where = this.offset + i;
    if (this.top === 'none') {
      if (byte === OPEN_BRACKET) {
        this.top = 'array';
        this.inRecords = true;
        this.recordDepth = 1;
      } else if (byte === OPEN_BRACE) {
        this.top = 'object';
      } else {
        throw new JsonShapeError('The file does not start with a JSON object or array.');
      }
      this.depth = 1;
      this.sink.opened(this.top);
      return;
    }
    if (this.top === 'done') {
      throw new JsonShapeError(`The file goes on after its JSON ends (at byte ${where}).`);
    }
    if (byte === COMMA) return;
    if (this.inRecords && this.depth === this.recordDepth) {
      if (byte === CLOSE_BRACKET) {
        this.depth -= 1;
        this.inRecords = false;
        if (this.depth === 0) this.top = 'done';
        return;
      }
      this.begin(byte === QUOTE ? 'string' : 'value', byte, i);
      return;
    }
    // A member of the top-level object: a key, a colon, then its value.
    if (this.depth !== 1 || this.top !== 'object') {
      throw new JsonShapeError(`Unexpected "${String.fromCharCode(byte)}" at byte ${where}.`);
    }
    if (byte === CLOSE_BRACE) {
      this.depth = 0;
      this.top = 'done';
      return;
    }
    if (this.key === null) {
      if (byte !== QUOTE) throw new JsonShapeError(`Expected a key at byte ${where}.`);
      this.begin('key', byte, i);
      return;
    }
    if (byte === COLON) return;
    if (this.key === RECORDS_MEMBER && byte === OPEN_BRACKET) {
      this.key = null;
      this.depth = 2;
      this.inRecords = true;
      this.recordDepth = 2;
      return;
    }
    this.begin(byte === QUOTE ? 'string' : 'value', byte, i);
  }

  private begin(kind: 'string' | 'key' | 'value', byte: number, i: number): void {
    const container = byte === OPEN_BRACE || byte === OPEN_BRACKET;
    this.capture = {
      kind: kind === 'value' ? (container ? 'container' : 'literal') : kind,
      depth: this.depth,
      parts: [],
      start: i,
    };
    if (kind !== 'value') this.inString = true;
    else if (container) this.depth += 1;
  }

  private finish(chunk: Uint8Array, end: number): void {
    const capture = this.capture as Capture;
    capture.parts.push(chunk.subarray(capture.start, end));
    this.capture = null;
    if (capture.kind === 'key') {
      this.key = JSON.parse(Buffer.concat(capture.parts).toString('utf8')) as string;
      return;
    }
    if (this.inRecords && this.depth === this.recordDepth) {
      this.sink.record(capture.parts, this.nextIndex);
      this.nextIndex += 1;
      return;
    }
    this.sink.member(this.key ?? '', capture.parts);
    this.key = null;
  }
}
