import type { Attachment } from '../attachment.js';

/** A file as it arrives: its bytes stream in, with the name and type the client gave. */
export interface AttachmentUpload {
  name: string;
  /** The client's `content-type`; null when it sent none. */
  declaredType: string | null;
  body: AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
}

/**
 * Where attached files live: content-addressed (SHA-256), written once, read back for chats, and
 * removed when the last message using them is deleted.
 */
export interface AttachmentStore {
  /**
   * Streams the file to disk while hashing and checking it; nothing stays behind when it fails or
   * is cut. Throws `ATTACHMENT_UNSUPPORTED` or `ATTACHMENT_TOO_LARGE` with a message a user can act on.
   */
  save(upload: AttachmentUpload): Promise<Attachment>;
  /** Null when no such file is stored. */
  get(id: string): Promise<Attachment | null>;
  /** The file's bytes, whole (exports, the desktop window's preview). */
  bytes(attachment: Attachment): Promise<Uint8Array>;
  /**
   * The file's bytes a chunk at a time, read as they are taken (an image on its way to a provider).
   * A chunk is good until the next one is asked for (its buffer is reused): keep a copy, not it.
   * A file gone from the disk fails the iteration with `NOT_FOUND`, naming the file.
   */
  chunks(attachment: Attachment): AsyncIterable<Uint8Array>;
  /** The text a model reads: the file itself, or the text extracted from a PDF. */
  text(attachment: Attachment): Promise<string>;
  /** Deletes these files (no message uses them any more). */
  remove(ids: readonly string[]): Promise<void>;
  /** The files last uploaded before `time` (epoch ms): candidates for removal when nothing uses them. */
  uploadedBefore?(time: number): Promise<string[]>;
}
