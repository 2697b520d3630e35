import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LightChatHttpError } from '../client/authorized-fetch.js';
import { restFetch } from './rest.js';

/**
 * `ask --attach FILE` (repeatable): each file is uploaded first (`POST /attachments`), and the chat
 * names them by id (CONTRACT section 12). The server tells the type from the bytes.
 */
export async function uploadFiles(
  flags: { url: string; config?: string },
  paths: readonly string[],
): Promise<string[]> {
  const send = restFetch(flags);
  const ids: string[] = [];
  for (const path of paths) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new LightChatHttpError('VALIDATION_ERROR', `Cannot read ${path}: ${reason}.`, { path });
    }
    const response = await send(`/attachments?name=${encodeURIComponent(basename(path))}`, {
      method: 'POST',
      body: new Uint8Array(bytes),
    });
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}
