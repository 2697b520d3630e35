import { chatGptSourceId, looksLikeChatGpt, readChatGptConversation } from './chatgpt-format.js';
import { claudeSourceId, looksLikeClaude, readClaudeConversation } from './claude-format.js';
import {
  type ImportedConversation,
  type ImportFormat,
  type RecordReading,
  readRecord,
} from './imported-conversation.js';
import { lightChatSourceId, readLightChatConversation } from './lightchat-json.js';

/** How each format's conversation records are read: the one table the whole-file and the streamed readers share. */
interface RecordFormat {
  sourceIdOf(record: unknown, index: number): string | null;
  read(record: unknown, sourceId: string): ImportedConversation | null;
}

export const RECORD_FORMATS: Record<ImportFormat, RecordFormat> = {
  lightchat: { sourceIdOf: lightChatSourceId, read: readLightChatConversation },
  // ChatGPT records without an id are still readable; they are named by their place in the file.
  chatgpt: {
    sourceIdOf: (record, index) => chatGptSourceId(record) ?? `#${index}`,
    read: readChatGptConversation,
  },
  claude: { sourceIdOf: claudeSourceId, read: readClaudeConversation },
};

/** The format a record of a list shows (ChatGPT's `mapping`, Claude's `chat_messages`), if any. */
export function recordFormatOf(record: unknown): 'chatgpt' | 'claude' | null {
  if (looksLikeChatGpt(record)) return 'chatgpt';
  if (looksLikeClaude(record)) return 'claude';
  return null;
}

export const readFormatRecord = (format: ImportFormat, record: unknown, index: number): RecordReading =>
  readRecord(record, index, RECORD_FORMATS[format].sourceIdOf, RECORD_FORMATS[format].read);

/** The formats LightChat imports, for messages that say what to import instead. */
export const KNOWN_FORMATS =
  "LightChat JSON or ZIP, ChatGPT's conversations.json or ZIP, or Claude.ai's conversations.json";
