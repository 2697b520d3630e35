import type { AttachedFile } from '../state/conversation';
import { transport, trpcClient } from './client';
import { fetchBlob, uploadFile } from './files';

/**
 * Attached files over whichever transport this window uses (CONTRACT section 12): the web page
 * streams the file to `POST /attachments`; the desktop window, which may have no HTTP API, sends
 * it over IPC as an ArrayBuffer.
 */

/** A pasted image has no name of its own. */
const nameOf = (file: File): string =>
  file.name || `pasted-image.${(file.type.split('/')[1] ?? 'png').replace('jpeg', 'jpg')}`;

export async function uploadAttachment(file: File): Promise<AttachedFile> {
  const name = nameOf(file);
  if (transport === 'http') {
    const answer = await uploadFile<{
      id: string;
      name: string;
      mime_type: string;
      kind: AttachedFile['kind'];
      tokens?: number;
    }>(`/attachments?name=${encodeURIComponent(name)}`, file);
    return attached({ ...answer, mimeType: answer.mime_type });
  }
  const answer = await trpcClient.attachments.upload.mutate({
    name,
    mimeType: file.type || null,
    data: await file.arrayBuffer(),
  });
  return attached(answer);
}

const attached = (answer: AttachedFile): AttachedFile => ({
  id: answer.id,
  name: answer.name,
  mimeType: answer.mimeType,
  kind: answer.kind,
  ...(answer.tokens === undefined ? {} : { tokens: answer.tokens }),
});

/** A URL the page can show the file from; the caller revokes it when done. */
export async function attachmentUrl(file: AttachedFile): Promise<string> {
  if (transport === 'http') return URL.createObjectURL(await fetchBlob(`/attachments/${file.id}`));
  const content = await trpcClient.attachments.content.query({ id: file.id });
  const bytes = Uint8Array.from(atob(content.base64), (char) => char.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: content.mimeType }));
}
