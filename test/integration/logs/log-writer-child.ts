/**
 * A separate process with its own chat log, driven over stdin by `log-writer-process.ts`: one JSON
 * command a line, each answered on stdout once it is on disk (so tests wait for conditions, not times).
 */
import { createInterface } from 'node:readline';
import { JsonlChatLog } from '../../../src/adapters/logs/jsonl-chat-log.js';
import type { ChatLogSettings } from '../../../src/domain/ports/chat-log.port.js';

type Command = { write: { name: string; from: number; count: number; pad: number } } | { close: true };

const settings = JSON.parse(process.argv[2]!) as ChatLogSettings;
const log = new JsonlChatLog(settings);
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  if ('close' in command) {
    await log.close();
    process.stdout.write('closed\n');
    process.exit(0);
  }
  const { name, from, count, pad } = command.write;
  for (let i = from; i < from + count; i++) {
    log.append({ role: 'user', content: `${name} #${i} ${'x'.repeat(pad)}` });
  }
  await log.flush();
  process.stdout.write(`wrote ${from + count}\n`);
}
