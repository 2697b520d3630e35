import { AppError } from '../../../domain/errors.js';
import type { ImportFormat, RecordReading } from './imported-conversation.js';
import { JsonRecordScanner, JsonShapeError } from './json-records.js';
import { LIGHTCHAT_FORMAT } from './lightchat-json.js';
import { refuseOtherVersion, shapeOf } from './parse-import.js';
import { KNOWN_FORMATS, readFormatRecord, recordFormatOf } from './record-formats.js';

/**
 * An import file read as it streams (CONTRACT section 10): one record at a time is parsed, so a
 * 60 MB export never sits whole in memory. The format is known before the first conversation is
 * handed over; a file in no known format is `IMPORT_INVALID` and yields nothing. A record that
 * can't be read, and a file cut short inside one, are reported as failed; the rest goes on.
 */

export type StreamedReading = RecordReading & { format: ImportFormat };

const invalid = (message: string): AppError => new AppError('IMPORT_INVALID', message);

interface RawRecord {
  parts: Uint8Array[];
  index: number;
}

/** Parsed now, or the reason it can't be. */
function parseRecord(parts: Uint8Array[]): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(Buffer.concat(parts).toString('utf8')) };
  } catch (error) {
    return { error: `it is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

export async function* readImportStream(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<StreamedReading, void, undefined> {
  // Set from the scanner's callbacks: an object, so that the checks below see the changes.
  const state: { shape: 'array' | 'object' | null; format: ImportFormat | null } = {
    shape: null,
    format: null,
  };
  const header: Record<string, unknown> = {};
  /** Records seen before the format is known (a list whose first records show none). */
  const waiting: RawRecord[] = [];
  const ready: StreamedReading[] = [];

  /** A LightChat header with its version (refused whole when it is another one). */
  const lightChatHeader = (): boolean => {
    if (header.format !== LIGHTCHAT_FORMAT || !('version' in header)) return false;
    refuseOtherVersion(header.version);
    return true;
  };
  const decide = (found: ImportFormat) => {
    state.format = found;
    for (const earlier of waiting.splice(0)) read(earlier, found);
  };
  const read = (record: RawRecord, known: ImportFormat) => {
    const parsed = parseRecord(record.parts);
    if ('error' in parsed) {
      ready.push({
        kind: 'failed',
        format: known,
        failure: { source_id: `#${record.index}`, reason: `Conversation #${record.index}: ${parsed.error}` },
      });
      return;
    }
    ready.push({ ...readFormatRecord(known, parsed.value, record.index), format: known });
  };
  const scanner = new JsonRecordScanner({
    opened: (kind) => {
      state.shape = kind;
    },
    member: (key, parts) => {
      const parsed = parseRecord(parts);
      header[key] = 'value' in parsed ? parsed.value : undefined;
      if (state.format === null && waiting.length > 0 && lightChatHeader()) decide('lightchat');
    },
    record: (parts, index) => {
      const record = { parts, index };
      if (state.format === null && state.shape === 'object' && lightChatHeader()) decide('lightchat');
      if (state.format === null && state.shape === 'array') {
        const parsed = parseRecord(parts);
        const found = 'value' in parsed ? recordFormatOf(parsed.value) : null;
        if (found !== null) decide(found);
      }
      if (state.format === null) waiting.push(record);
      else read(record, state.format);
    },
  });

  let cut: string | null = null;
  try {
    for await (const chunk of chunks) {
      scanner.feed(chunk);
      yield* ready.splice(0);
    }
    scanner.end();
  } catch (error) {
    if (!(error instanceof JsonShapeError)) throw error;
    if (state.format === null) throw invalid(`${error.message} Import ${KNOWN_FORMATS}.`);
    // What came before the break is kept; the conversation it broke in is reported.
    cut = error.message;
  }
  if (cut === null && state.format === null && header.format === LIGHTCHAT_FORMAT) {
    refuseOtherVersion(header.version);
    decide('lightchat');
  }
  yield* ready.splice(0);
  if (cut !== null) {
    const index = scanner.openRecord;
    yield {
      kind: 'failed',
      format: state.format ?? 'lightchat',
      failure: {
        source_id: index === null ? null : `#${index}`,
        reason: `${cut}${index === null ? '' : ` Conversation #${index} and any after it were not read.`}`,
      },
    };
    return;
  }
  if (state.format === null) yield* wholeDocument(state.shape, header, waiting);
}

/** A file whose format shows only at its end: one ChatGPT or Claude conversation as an object. */
function* wholeDocument(
  shape: 'array' | 'object' | null,
  header: Record<string, unknown>,
  waiting: RawRecord[],
): Generator<StreamedReading> {
  if (shape === 'array') {
    if (waiting.length === 0) return;
    throw invalid(
      `The file is a list of unknown records, in no format LightChat imports; import ${KNOWN_FORMATS}.`,
    );
  }
  const format = recordFormatOf(header);
  if (format === null || waiting.length > 0) {
    throw invalid(`The file is ${shapeOf(header)}, in no format LightChat imports; import ${KNOWN_FORMATS}.`);
  }
  yield { ...readFormatRecord(format, header, 0), format };
}
