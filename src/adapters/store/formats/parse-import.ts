import { AppError } from '../../../domain/errors.js';
import { isRecord, type ParsedImport, readEach } from './imported-conversation.js';
import { LIGHTCHAT_VERSION, looksLikeLightChat } from './lightchat-json.js';
import { KNOWN_FORMATS, RECORD_FORMATS, recordFormatOf } from './record-formats.js';
import { isZip, readZipConversations, ZIP_LIMITS, type ZipLimits } from './zip-import.js';

/**
 * An import file (CONTRACT section 10), recognised by its content, not its name: LightChat JSON,
 * ChatGPT's `conversations.json` (or one conversation of it), Claude.ai's `conversations.json`, or a
 * ZIP holding one of them. A file in no known format is `IMPORT_INVALID`; a conversation that can't
 * be read is reported in `failed` and the others are imported.
 */

const invalid = (message: string): AppError => new AppError('IMPORT_INVALID', message);

const KNOWN = KNOWN_FORMATS;

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(`The file is not UTF-8 text or a ZIP; import ${KNOWN}.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw invalid(`The file is not valid JSON (${why}); it may be cut short. Import ${KNOWN}.`);
  }
}

export function parseImportDocument(document: unknown): ParsedImport {
  if (looksLikeLightChat(document)) {
    const record = document as Record<string, unknown>;
    refuseOtherVersion(record.version);
    if (!Array.isArray(record.conversations))
      throw invalid('The LightChat file has no "conversations" list.');
    return readAll('lightchat', record.conversations);
  }
  const records = Array.isArray(document) ? document : [document];
  const format = records.map(recordFormatOf).find((found) => found !== null);
  if (format !== undefined) return readAll(format, records);
  throw invalid(`The file is ${shapeOf(document)}, in no format LightChat imports; import ${KNOWN}.`);
}

const readAll = (format: 'lightchat' | 'chatgpt' | 'claude', records: unknown[]): ParsedImport =>
  readEach(format, records, RECORD_FORMATS[format].sourceIdOf, RECORD_FORMATS[format].read);

/** A LightChat file of another version is refused whole, before anything of it is read. */
export function refuseOtherVersion(version: unknown): void {
  if (version !== LIGHTCHAT_VERSION) {
    throw invalid(
      `The LightChat file has version ${JSON.stringify(version)}; this LightChat reads version ${LIGHTCHAT_VERSION}. Update LightChat to import it.`,
    );
  }
}

/** A few words on what an unknown document is, for the error. */
export function shapeOf(document: unknown): string {
  return isRecord(document)
    ? `an object with keys ${Object.keys(document).slice(0, 5).join(', ')}`
    : Array.isArray(document)
      ? 'a list of unknown records'
      : typeof document;
}

export function parseImportFile(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ParsedImport {
  return parseImportDocument(parseJson(isZip(bytes) ? readZipConversations(bytes, limits) : bytes));
}
