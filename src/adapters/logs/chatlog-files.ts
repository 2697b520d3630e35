import { mkdir, readdir } from 'node:fs/promises';

/** `<YYYY-MM-DDTHH-mm-ss>[.N].chatlog.jsonl` (CONTRACT section 7): UTC creation time, N for the same second. */
const FILE_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})(?:\.(\d+))?\.chatlog\.jsonl$/;

export interface ChatlogFile {
  name: string;
  stamp: string;
  suffix: number;
}

/** The UTC second a file is created in, as it appears in its name. */
export const fileStamp = (date: Date): string => date.toISOString().slice(0, 19).replaceAll(':', '-');

export const chatlogFileName = (stamp: string, suffix: number): string =>
  suffix === 0 ? `${stamp}.chatlog.jsonl` : `${stamp}.${suffix}.chatlog.jsonl`;

export function parseChatlogFileName(name: string): ChatlogFile | null {
  const match = FILE_NAME.exec(name);
  return match ? { name, stamp: match[1]!, suffix: Number(match[2] ?? 0) } : null;
}

/** Creates the logs folder (and the folders above it) private to the user, whoever creates it first. */
export async function makeLogDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** The log files among `names`, oldest first (by time, then suffix as a number: `.10` is newer than `.9`). */
export function chatlogFilesAmong(names: string[]): ChatlogFile[] {
  return names
    .map(parseChatlogFileName)
    .filter((file): file is ChatlogFile => file !== null)
    .sort((a, b) => (a.stamp === b.stamp ? a.suffix - b.suffix : a.stamp < b.stamp ? -1 : 1));
}

/** The log files in `dir`, oldest first (`.lock` entries are not log files). */
export async function listChatlogFiles(dir: string): Promise<ChatlogFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return chatlogFilesAmong(names);
}
