import { unzipSync } from 'fflate';
import { AppError } from '../../../domain/errors.js';

/**
 * Reads the conversations file out of an export ZIP (ChatGPT's, or LightChat's) within the limits of
 * CONTRACT section 10, checked on every entry before it is inflated.
 */

export const ZIP_LIMITS = {
  maxEntries: 10_000,
  maxUncompressedBytes: 2 * 1024 ** 3,
  maxCompressionRatio: 100,
} as const;

export type ZipLimits = { [key in keyof typeof ZIP_LIMITS]: number };

/** The file both ChatGPT's ZIP and LightChat's ZIP carry their conversations in. */
export const CONVERSATIONS_ENTRY = 'conversations.json';

export const isZip = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

export const refuseZip = (message: string, details: Record<string, unknown> = {}): AppError =>
  new AppError('IMPORT_INVALID', message, { details });

/** A name that would land outside a folder it is extracted into. */
export function escapesArchive(name: string): boolean {
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return true;
  return path.split('/').includes('..');
}

/** One entry as a ZIP's directory describes it. */
export interface ZipEntryInfo {
  name: string;
  /** Compressed size. */
  size: number;
  /** Size once inflated. */
  originalSize: number;
}

/**
 * The limits, checked entry by entry before anything is inflated: the count, the total size, each
 * entry's compression ratio and where its name points. Throws `IMPORT_INVALID` saying which.
 */
export function zipLimitCheck(limits: ZipLimits = ZIP_LIMITS): (entry: ZipEntryInfo) => void {
  let entries = 0;
  let total = 0;
  return (file) => {
    entries += 1;
    total += file.originalSize;
    if (entries > limits.maxEntries) {
      throw refuseZip(
        `The ZIP has more than ${limits.maxEntries} entries; import its conversations.json instead.`,
      );
    }
    if (total > limits.maxUncompressedBytes) {
      throw refuseZip(
        `The ZIP unpacks to more than ${limits.maxUncompressedBytes} bytes; import its conversations.json instead.`,
      );
    }
    if (file.originalSize > limits.maxCompressionRatio * Math.max(file.size, 1)) {
      throw refuseZip(
        `The ZIP entry "${file.name}" is compressed more than ${limits.maxCompressionRatio}:1 (a ZIP bomb?); it was not unpacked.`,
        { entry: file.name },
      );
    }
    if (escapesArchive(file.name)) {
      throw refuseZip(`The ZIP entry "${file.name}" points outside the archive; the ZIP was not imported.`, {
        entry: file.name,
      });
    }
  };
}

export const noConversationsEntry = (): AppError =>
  refuseZip(
    `The ZIP has no ${CONVERSATIONS_ENTRY}; export again from ChatGPT or LightChat and import the whole ZIP.`,
  );

export const unreadableZip = (why: string): AppError =>
  refuseZip(`The ZIP can't be read (${why}); is it complete?`);

export function readZipConversations(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Uint8Array {
  const check = zipLimitCheck(limits);
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      filter: (file) => {
        check(file);
        return file.name === CONVERSATIONS_ENTRY;
      },
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadableZip(error instanceof Error ? error.message : String(error));
  }
  const conversations = unzipped[CONVERSATIONS_ENTRY];
  if (conversations === undefined) throw noConversationsEntry();
  return conversations;
}
