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
 * a byte is inflated; then only `conversations.json` is read, and inflating stops if it grows past
 * the size the directory gave (a directory that lies).
 */

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes, followed by a comment of at most 65,535. */
const TAIL_BYTES = 22 + 0xffff;
const STORED = 0;
const DEFLATED = 8;

interface DirectoryEntry {
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

async function readDirectory(
  path: string,
  limits: ZipLimits,
): Promise<{ entry: DirectoryEntry; dataStart: number }> {
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
    let found: DirectoryEntry | null = null;
    let at = 0;
    for (let index = 0; index < count; index++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_ENTRY) {
        throw unreadableZip(`its directory breaks at entry ${index + 1}`);
      }
      const nameLength = directory.readUInt16LE(at + 28);
      const entry: DirectoryEntry = {
        flags: directory.readUInt16LE(at + 8),
        method: directory.readUInt16LE(at + 10),
        size: directory.readUInt32LE(at + 20),
        originalSize: directory.readUInt32LE(at + 24),
        localOffset: directory.readUInt32LE(at + 42),
        name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      };
      check(entry);
      if (entry.name === CONVERSATIONS_ENTRY) found = entry;
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    if (found === null) throw noConversationsEntry();
    const local = await readAt(file, found.localOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_HEADER) {
      throw unreadableZip(`${CONVERSATIONS_ENTRY} is not where its directory says`);
    }
    const dataStart = found.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + found.size > size) throw unreadableZip(`${CONVERSATIONS_ENTRY} is cut short`);
    return { entry: found, dataStart };
  } finally {
    await file.close();
  }
}

export async function* zipConversationsStream(
  path: string,
  limits: ZipLimits = ZIP_LIMITS,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { entry, dataStart } = await readDirectory(path, limits);
  if ((entry.flags & 1) === 1)
    throw refuseZip(`${CONVERSATIONS_ENTRY} in the ZIP is encrypted; export it again without a password.`);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw refuseZip(
      `${CONVERSATIONS_ENTRY} in the ZIP is compressed with method ${entry.method}, which LightChat can't read.`,
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
          `${CONVERSATIONS_ENTRY} in the ZIP inflates past the ${entry.originalSize} bytes its directory gives (a ZIP bomb?); it was not imported.`,
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
