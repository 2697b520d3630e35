import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { attachmentsOf } from '../../../domain/attachment.js';
import type { ExportedConversation } from '../../../domain/services/conversation-service.js';
import { lightChatJsonChunks } from './lightchat-json.js';
import { CONVERSATIONS_ENTRY } from './zip-import.js';

/** The ZIP's folder of attached files. */
export const ATTACHMENTS_FOLDER = 'attachments/';
/** Where an attached file goes in the ZIP: `attachments/<sha256>`, as messages name it. */
export const attachmentEntry = (id: string): string => `${ATTACHMENTS_FOLDER}${id}`;

/**
 * All history as a ZIP (CONTRACT section 10), made as it is read: `conversations.json` (LightChat
 * JSON, one conversation at a time) deflated into the archive piece by piece, so neither the JSON
 * nor the ZIP is ever whole in memory; then each attached file once, stored as it is (images and
 * PDFs are compressed already).
 */
export async function* historyZip(
  conversations: AsyncIterable<ExportedConversation>,
  readAttachment?: (id: string) => Promise<Uint8Array | null>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const fileIds = new Set<string>();
  async function* noting(): AsyncGenerator<ExportedConversation> {
    for await (const entry of conversations) {
      for (const message of entry.messages) {
        for (const file of attachmentsOf(message.attachments)) fileIds.add(file.id);
      }
      yield entry;
    }
  }
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else out.push(chunk);
  });
  const entry = new ZipDeflate(CONVERSATIONS_ENTRY, { level: 6 });
  zip.add(entry);
  for await (const text of lightChatJsonChunks(noting())) {
    entry.push(strToU8(text), false);
    if (failure) throw failure;
    if (out.length > 0) yield* out.splice(0);
  }
  entry.push(new Uint8Array(0), true);
  for (const id of readAttachment ? fileIds : []) {
    const bytes = await readAttachment?.(id);
    if (!bytes) continue;
    const file = new ZipPassThrough(attachmentEntry(id));
    zip.add(file);
    file.push(bytes, true);
    if (failure) throw failure;
    yield* out.splice(0);
  }
  zip.end();
  if (failure) throw failure;
  yield* out.splice(0);
}
