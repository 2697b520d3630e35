import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import {
  CONVERSATIONS_ENTRY,
  noConversationsEntry,
  refuseZip,
  unreadableZip,
  ZIP_LIMITS,
  type ZipLimits,
  zipLimitCheck,
} from './zip-import.js';

/**
 * The conversations file of an export ZIP on disk, inflated as it streams (CONTRACT section 10):
 * the central directory at the end is read first and every entry checked against the limits before
 * a byte is inflated; then `conversations.json` is read, and the attached files each on its own
 * (`attachments/<sha256>`, as LightChat's export writes them).
 */

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes, followed by a comment of at most 65,535. */
const TAIL_BYTES = 22 + 0xffff;
const STORED = 0;
const DEFLATED = 8;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  size: number;
  originalSize: number;
  localOffset: number;
}

async function readAt(
  file: Awaited<ReturnType<typeof open>>,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Every entry of the ZIP's central directory, each checked against the limits before anything is
 * inflated.
 */
export async function zipEntries(path: string, limits: ZipLimits = ZIP_LIMITS): Promise<ZipEntry[]> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailStart = Math.max(0, size - TAIL_BYTES);
    const tail = await readAt(file, tailStart, size - tailStart);
    let end = -1;
    for (let at = tail.length - 22; at >= 0; at--) {
      if (tail.readUInt32LE(at) === END_OF_DIRECTORY) {
        end = at;
        break;
      }
    }
    if (end === -1) throw unreadableZip('it has no central directory at its end');
    const count = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (count === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff) {
      throw refuseZip(
        'The ZIP is a ZIP64 archive (over 4 GiB or 65,535 entries), past the import limits; import its conversations.json instead.',
      );
    }
    if (directoryOffset + directorySize > size) throw unreadableZip('its directory points past its end');
    const directory = await readAt(file, directoryOffset, directorySize);
    const check = zipLimitCheck(limits);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let index = 0; index < count; index++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_ENTRY) {
        throw unreadableZip(`its directory breaks at entry ${index + 1}`);
      }
      const nameLength = directory.readUInt16LE(at + 28);
      const entry: ZipEntry = {
        flags: directory.readUInt16LE(at + 8),
        method: directory.readUInt16LE(at + 10),
        size: directory.readUInt32LE(at + 20),
        originalSize: directory.readUInt32LE(at + 24),
        localOffset: directory.readUInt32LE(at + 42),
        name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      };
      check(entry);
      entries.push(entry);
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** Where an entry's data starts: after its local header, which must be where the directory says. */
async function dataStartOf(path: string, entry: ZipEntry): Promise<number> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const local = await readAt(file, entry.localOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_HEADER) {
      throw unreadableZip(`${entry.name} is not where its directory says`);
    }
    const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + entry.size > size) throw unreadableZip(`${entry.name} is cut short`);
    return dataStart;
  } finally {
    await file.close();
  }
}

export async function* zipConversationsStream(
  path: string,
  limits: ZipLimits = ZIP_LIMITS,
): AsyncGenerator<Uint8Array, void, undefined> {
  const entry = (await zipEntries(path, limits)).find((found) => found.name === CONVERSATIONS_ENTRY);
  if (entry === undefined) throw noConversationsEntry();
  yield* zipEntryStream(path, entry);
}

/**
 * One entry's bytes as they inflate; inflating stops if the entry grows past the size the directory
 * gave (a directory that lies).
 */
export async function* zipEntryStream(
  path: string,
  entry: ZipEntry,
): AsyncGenerator<Uint8Array, void, undefined> {
  const dataStart = await dataStartOf(path, entry);
  if ((entry.flags & 1) === 1)
    throw refuseZip(`${entry.name} in the ZIP is encrypted; export it again without a password.`);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw refuseZip(
      `${entry.name} in the ZIP is compressed with method ${entry.method}, which LightChat can't read.`,
    );
  }
  if (entry.size === 0) return;
  const raw = createReadStream(path, {
    start: dataStart,
    end: dataStart + entry.size - 1,
    highWaterMark: 256 * 1024,
  });
  if (entry.method === STORED) {
    yield* raw;
    return;
  }
  const inflate = createInflateRaw();
  const piped = pipeline(raw, inflate).catch((error: unknown) => error);
  let inflated = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > entry.originalSize) {
        throw refuseZip(
          `${entry.name} in the ZIP inflates past the ${entry.originalSize} bytes its directory gives (a ZIP bomb?); it was not imported.`,
          { entry: entry.name },
        );
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_')) {
      throw unreadableZip(error.message);
    }
    throw error;
  } finally {
    raw.destroy();
    inflate.destroy();
    await piped;
  }
}
