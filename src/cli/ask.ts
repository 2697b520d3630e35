import { streamChat } from '../client/index.js';
import type { AskFlags } from './main.js';
import { connect, reportFailure } from './remote.js';

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** `lightchat ask`: streams the answer to stdout; exit 0 on `done`, non-zero with the message otherwise. */
export async function ask(flags: AskFlags & { question: string }): Promise<number> {
  const client = connect(flags.url);
  // `lightchat ask … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const dim = process.stderr.isTTY === true;
  let thinking = false;
  try {
    for await (const event of streamChat(client, {
      messages: [{ role: 'user', content: flags.question }],
      providerId: flags.provider,
      modelId: flags.model,
      systemPrompt: flags.system,
    })) {
      if (event.type === 'thinking') {
        if (!flags.showThinking) continue;
        if (!thinking && dim) process.stderr.write(DIM);
        thinking = true;
        process.stderr.write(event.text);
        continue;
      }
      if (thinking) {
        process.stderr.write(dim ? `${RESET}\n` : '\n');
        thinking = false;
      }
      if (event.type === 'token') process.stdout.write(event.text);
      else if (event.type === 'done') {
        process.stdout.write('\n');
        return 0;
      } else {
        process.stdout.write('\n');
        console.error(`lightchat: ${event.message} (${event.errorCode})`);
        return 1;
      }
    }
    console.error('lightchat: the stream ended without an answer.');
    return 1;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}
