import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChatLogSettings } from '../../../src/domain/ports/chat-log.port.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./log-writer-child.ts', import.meta.url));
/** Only against a hang: a start or a write takes well under a second even on a loaded machine. */
const HANG_GUARD_MS = 30_000;

export interface LogWriterProcess {
  pid: number;
  /** Appends `${name} #i ${pad × 'x'}` for i in [from, from + count) and waits until it is on disk. */
  write(from: number, count: number, pad?: number): Promise<void>;
  /** Closes the log and waits for the process to end. */
  close(): Promise<void>;
}

/** A real `node` process writing into `settings.dir` with its own JsonlChatLog (sources loaded by tsx). */
export async function startLogWriter(name: string, settings: ChatLogSettings): Promise<LogWriterProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(settings)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );

  const answer = async (expected: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name}: no "${expected}" within ${HANG_GUARD_MS} ms; stderr: ${stderr}`)),
        HANG_GUARD_MS,
      );
    });
    try {
      const next = await Promise.race([lines.next(), hang]);
      if (next.done || next.value !== expected)
        throw new Error(`${name}: expected "${expected}", got ${next.value}; stderr: ${stderr}`);
    } finally {
      clearTimeout(timer);
    }
  };
  const send = (command: unknown) => child.stdin.write(`${JSON.stringify(command)}\n`);

  await answer('ready');
  return {
    pid: child.pid!,
    async write(from, count, pad = 40) {
      send({ write: { name, from, count, pad } });
      await answer(`wrote ${from + count}`);
    },
    async close() {
      send({ close: true });
      await answer('closed');
      const code = await exited;
      if (code !== 0) throw new Error(`${name} exited with ${code}; stderr: ${stderr}`);
    },
  };
}
