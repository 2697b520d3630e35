import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  ATTACHMENT_ID_PATTERN,
  ATTACHMENT_LIMIT_BYTES,
  type Attachment,
  attachmentSchema,
  attachmentTokens,
  UPLOAD_LIMIT_BYTES,
} from '../../domain/attachment.js';
import {
  checkText,
  classifyFile,
  type FileType,
  SNIFF_BYTES,
  TextCheck,
  tooLarge,
} from '../../domain/attachment-type.js';
import { AppError } from '../../domain/errors.js';
import type { AttachmentStore, AttachmentUpload } from '../../domain/ports/attachment-store.port.js';
import { extractPdfText, type PdfTextOptions } from './pdf-text.js';

/** Reads of a stored file for a provider request: 192 KiB, a multiple of 3 (base64 joins whole). */
const READ_CHUNK_BYTES = 3 * 64 * 1024;

/** A temp file older than this is left over from a process that died mid-upload. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

export interface AttachmentFilesOptions {
  /** The folder of the files (`<data dir>/attachments`). */
  dir: string;
  /** Limits of the PDF text worker (tests make them small). */
  pdf?: PdfTextOptions;
}

/** The folder of attached files in a data directory (CONTRACT section 12). */
export const attachmentsDir = (dataDir: string): string => join(dataDir, 'attachments');

/** What `<sha256>.json` beside each file holds: the name and type of its latest upload. */
const metaSchema = attachmentSchema.pick({
  name: true,
  mimeType: true,
  size: true,
  kind: true,
  tokens: true,
});

/**
 * Attached files on disk, content-addressed: `<sha256>` holds the bytes, `<sha256>.json` the name and
 * type, `<sha256>.txt` a PDF's text. An upload streams into `tmp/` while it is hashed and checked,
 * then is renamed into place: a cut or refused upload leaves nothing, and a file is never rewritten
 * in place. Files are private to the user (0600 in a 0700 folder).
 */
export class AttachmentFiles implements AttachmentStore {
  private readonly dir: string;
  private readonly tmp: string;

  constructor(private readonly options: AttachmentFilesOptions) {
    this.dir = options.dir;
    this.tmp = join(options.dir, 'tmp');
  }

  /** Removes what uploads cut by a crash left in `tmp/` (another process may be uploading: only old ones). */
  async sweep(now = Date.now()): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.tmp);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(this.tmp, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_UPLOAD_MS) await rm(path, { force: true });
    }
  }

  async save(upload: AttachmentUpload): Promise<Attachment> {
    const name = cleanName(upload.name);
    await mkdir(this.tmp, { recursive: true, mode: 0o700 });
    const temp = join(this.tmp, `${randomUUID()}.part`);
    const written: string[] = [temp];
    let handle: FileHandle | undefined = await open(temp, 'wx', 0o600);
    try {
      const received = await this.receive(handle, name, upload);
      await handle.close();
      handle = undefined;
      const { type, size, sha256 } = received;
      let text: string | null = null;
      if (type.kind === 'text') {
        text = await readFile(temp, 'utf8');
        checkText(name, type, text);
      }
      if (type.kind === 'pdf') {
        text = await extractPdfText(temp, name, this.options.pdf);
        const textTemp = `${temp}.txt`;
        written.push(textTemp);
        await writeFile(textTemp, text, { mode: 0o600 });
        await rename(textTemp, this.path(sha256, '.txt'));
      }
      const tokens = attachmentTokens({ name, kind: type.kind }, text);
      const meta = { name, mimeType: type.mimeType, size, kind: type.kind, tokens };
      await rename(temp, this.path(sha256));
      const metaTemp = `${temp}.json`;
      written.push(metaTemp);
      await writeFile(metaTemp, JSON.stringify(meta), { mode: 0o600 });
      await rename(metaTemp, this.path(sha256, '.json'));
      return { id: sha256, sha256, ...meta };
    } finally {
      await handle?.close().catch(() => {});
      for (const path of written) await rm(path, { force: true });
    }
  }

  /** The body, hashed, checked and written as it arrives; refused as soon as it breaks a rule. */
  private async receive(
    handle: FileHandle,
    name: string,
    upload: AttachmentUpload,
  ): Promise<{ type: FileType; size: number; sha256: string }> {
    const hash = createHash('sha256');
    let size = 0;
    let type: FileType | null = null;
    let text: TextCheck | null = null;
    let head: Uint8Array[] = [];
    let headSize = 0;
    const take = async (chunk: Uint8Array, known: FileType) => {
      size += chunk.length;
      if (size > ATTACHMENT_LIMIT_BYTES[known.kind]) throw tooLarge(name, known.kind);
      text?.push(chunk);
      hash.update(chunk);
      await handle.write(chunk);
    };
    const classify = async () => {
      const first = Buffer.concat(head);
      head = [];
      type = classifyFile({ name, declaredType: upload.declaredType, head: first });
      if (type.kind === 'text') text = new TextCheck(name);
      await take(first, type);
      return type;
    };
    for await (const chunk of upload.body) {
      upload.signal?.throwIfAborted();
      if (size + headSize + chunk.length > UPLOAD_LIMIT_BYTES) throw uploadTooLarge();
      if (type) {
        await take(chunk, type);
        continue;
      }
      head.push(chunk);
      headSize += chunk.length;
      if (headSize >= SNIFF_BYTES) {
        headSize = 0;
        await classify();
      }
    }
    const known: FileType = type ?? (await classify());
    if (size === 0) {
      throw new AppError('ATTACHMENT_UNSUPPORTED', `"${name}" is empty: there is nothing to send.`, {
        details: { name, reason: 'empty' },
      });
    }
    (text as TextCheck | null)?.end();
    return { type: known, size, sha256: hash.digest('hex') };
  }

  async get(id: string): Promise<Attachment | null> {
    if (!ATTACHMENT_ID_PATTERN.test(id)) return null;
    let raw: string;
    try {
      raw = await readFile(this.path(id, '.json'), 'utf8');
      await stat(this.path(id));
    } catch {
      return null;
    }
    const parsed = metaSchema.safeParse(JSON.parse(raw));
    return parsed.success ? { id, sha256: id, ...parsed.data } : null;
  }

  async bytes(attachment: Attachment): Promise<Uint8Array> {
    return readFile(this.path(attachment.id));
  }

  async text(attachment: Attachment): Promise<string> {
    return readFile(this.path(attachment.id, attachment.kind === 'pdf' ? '.txt' : ''), 'utf8');
  }

  /**
   * The file a chunk at a time (an image on its way to a provider), in chunks of a multiple of 3
   * bytes so that their base64 joins without carrying bytes over. Every chunk is read into the same
   * buffer: a 20 MB file leaves no 20 MB of spent buffers waiting for a GC.
   */
  async *chunks(attachment: Attachment): AsyncGenerator<Uint8Array> {
    let handle: FileHandle;
    try {
      handle = await open(this.path(attachment.id), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fileGone(attachment);
      throw error;
    }
    try {
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }

  /** The file's bytes as a web stream (`GET /attachments/{id}`). */
  stream(attachment: Attachment): ReadableStream<Uint8Array> {
    return Readable.toWeb(createReadStream(this.path(attachment.id))) as ReadableStream<Uint8Array>;
  }

  /** A file's time is its last upload's: the same bytes uploaded again are renamed into place anew. */
  async uploadedBefore(time: number): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const old: string[] = [];
    for (const name of names) {
      if (!ATTACHMENT_ID_PATTERN.test(name)) continue;
      const info = await stat(this.path(name)).catch(() => null);
      if (info && info.mtimeMs < time) old.push(name);
    }
    return old;
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (!ATTACHMENT_ID_PATTERN.test(id)) continue;
      for (const suffix of ['.json', '.txt', '']) await rm(this.path(id, suffix), { force: true });
    }
  }

  private path(sha256: string, suffix = ''): string {
    return join(this.dir, `${sha256}${suffix}`);
  }
}

/** The file was listed when the chat was prepared, and was gone when its bytes were to be sent. */
function fileGone(attachment: Attachment): AppError {
  return new AppError(
    'NOT_FOUND',
    `The attached file "${attachment.name}" is no longer in LightChat's data folder (it was deleted while the message was being sent), so nothing was sent. Attach the file again and resend.`,
    { details: { attachment_id: attachment.id, name: attachment.name, reason: 'file_gone' } },
  );
}

function uploadTooLarge(): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', 'The upload is larger than 32 MiB.', {
    details: { limit_bytes: UPLOAD_LIMIT_BYTES },
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** The name as shown and stored: no folders, no control characters, at most 255 characters. */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const name = base.replace(CONTROL_CHARACTERS, '').trim().slice(0, 255);
  if (name === '' || name === '.' || name === '..') {
    throw new AppError('VALIDATION_ERROR', 'Give the file a name: POST /attachments?name=photo.png.', {
      details: { issues: [{ path: ['name'], message: 'must be a file name' }] },
    });
  }
  return name;
}
