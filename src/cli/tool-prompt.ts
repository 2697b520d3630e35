import { openSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ReadStream, WriteStream } from 'node:tty';

/** Asks the user a yes/no question; `null` when there is no terminal to ask on. */
export type ApprovalPrompt = (question: string) => Promise<boolean | null>;

/**
 * Asks on the controlling terminal (`/dev/tty`), not stdin/stdout: `lightchat ask … | tee` still asks
 * the person at the keyboard. Only `y`/`yes` approves (the default is No). TTY streams, not file
 * streams: a file read left pending on a terminal would keep the process alive after the answer.
 */
export const terminalPrompt: ApprovalPrompt = async (question) => {
  let input: ReadStream;
  let output: WriteStream;
  try {
    input = new ReadStream(openSync('/dev/tty', 'r'));
    output = new WriteStream(openSync('/dev/tty', 'w'));
  } catch {
    return null; // no terminal (a script, CI, a service): the caller denies
  }
  const lines = createInterface({ input, output, terminal: false });
  try {
    const answer = await lines.question(question);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
    input.destroy();
    output.destroy();
  }
};
