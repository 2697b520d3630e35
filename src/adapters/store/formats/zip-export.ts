import { strToU8, Zip, ZipDeflate } from 'fflate';
import type { ExportedConversation } from '../../../domain/services/conversation-service.js';
import { lightChatJsonChunks } from './lightchat-json.js';
import { CONVERSATIONS_ENTRY } from './zip-import.js';

/**
 * All history as a ZIP (CONTRACT section 10), made as it is read: `conversations.json` (LightChat
 * JSON, one conversation at a time) deflated into the archive piece by piece, so neither the JSON
 * nor the ZIP is ever whole in memory. Attachment files will join it as entries of their own.
 */
export async function* historyZip(
  conversations: AsyncIterable<ExportedConversation>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else out.push(chunk);
  });
  const entry = new ZipDeflate(CONVERSATIONS_ENTRY, { level: 6 });
  zip.add(entry);
  for await (const text of lightChatJsonChunks(conversations)) {
    entry.push(strToU8(text), false);
    if (failure) throw failure;
    if (out.length > 0) yield* out.splice(0);
  }
  entry.push(new Uint8Array(0), true);
  zip.end();
  if (failure) throw failure;
  yield* out.splice(0);
}
