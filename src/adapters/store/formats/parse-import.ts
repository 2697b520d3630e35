import { AppError } from '../../../domain/errors.js';
import { chatGptSourceId, looksLikeChatGpt, readChatGptConversation } from './chatgpt-format.js';
import { claudeSourceId, looksLikeClaude, readClaudeConversation } from './claude-format.js';
import { isRecord, type ParsedImport, readEach } from './imported-conversation.js';
import {
  LIGHTCHAT_VERSION,
  lightChatSourceId,
  looksLikeLightChat,
  readLightChatConversation,
} from './lightchat-json.js';
import { isZip, readZipConversations, ZIP_LIMITS, type ZipLimits } from './zip-import.js';

/**
 * An import file (CONTRACT section 10), recognised by its content, not its name: LightChat JSON,
 * ChatGPT's `conversations.json` (or one conversation of it), Claude.ai's `conversations.json`, or a
 * ZIP holding one of them. A file in no known format is `IMPORT_INVALID`; a conversation that can't
 * be read is reported in `failed` and the others are imported.
 */

const invalid = (message: string): AppError => new AppError('IMPORT_INVALID', message);

const KNOWN = "LightChat JSON or ZIP, ChatGPT's conversations.json or ZIP, or Claude.ai's conversations.json";

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
    if (record.version !== LIGHTCHAT_VERSION) {
      throw invalid(
        `The LightChat file has version ${JSON.stringify(record.version)}; this LightChat reads version ${LIGHTCHAT_VERSION}. Update LightChat to import it.`,
      );
    }
    if (!Array.isArray(record.conversations))
      throw invalid('The LightChat file has no "conversations" list.');
    return readEach('lightchat', record.conversations, lightChatSourceId, readLightChatConversation);
  }
  const records = Array.isArray(document) ? document : [document];
  if (records.some(looksLikeChatGpt)) {
    return readEach(
      'chatgpt',
      records,
      (record, index) => chatGptSourceId(record) ?? `#${index}`,
      readChatGptConversation,
    );
  }
  if (records.some(looksLikeClaude)) {
    return readEach('claude', records, claudeSourceId, readClaudeConversation);
  }
  const shape = isRecord(document)
    ? `an object with keys ${Object.keys(document).slice(0, 5).join(', ')}`
    : Array.isArray(document)
      ? 'a list of unknown records'
      : typeof document;
  throw invalid(`The file is ${shape}, in no format LightChat imports; import ${KNOWN}.`);
}

export function parseImportFile(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ParsedImport {
  return parseImportDocument(parseJson(isZip(bytes) ? readZipConversations(bytes, limits) : bytes));
}
