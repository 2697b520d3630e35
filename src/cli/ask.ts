import { type ChatEvent, streamChat } from '../client/index.js';
import { uploadFiles } from './attach.js';
import type { AskFlags } from './main.js';
import { connect, reportFailure } from './remote.js';
import { type AskEvent, storedChatEvents } from './stored-ask.js';
import { type OutputStream, stripTerminalControls, terminalWriter } from './terminal-text.js';

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export interface AskOutput {
  stdout: OutputStream;
  stderr: OutputStream;
}

/**
 * `lightchat ask`: streams the answer to stdout; exit 0 on `done`, non-zero with the message otherwise.
 * What the model or provider wrote reaches a terminal without its escape sequences and control characters.
 * `--continue ID` and `--save` chat in a stored conversation; `--save` prints the new one's id on stderr.
 */
export async function ask(
  flags: AskFlags & { question: string },
  output: AskOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const client = connect(flags);
  // `lightchat ask … | head` closes stdout early: that is not an error.
  if (output.stdout === process.stdout) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
    });
  }
  const { stdout, stderr } = output;
  const answer = terminalWriter(stdout);
  const reasoning = terminalWriter(stderr);
  const dim = stderr.isTTY === true;
  const forStderr = (text: string) => (stderr.isTTY === true ? stripTerminalControls(text) : text);
  let thinking = false;
  const stored = flags.continue !== undefined || flags.save === true;
  try {
    const attachmentIds = flags.attach?.length ? await uploadFiles(flags, flags.attach) : undefined;
    const events: AsyncIterable<ChatEvent | AskEvent> = stored
      ? storedChatEvents({ ...flags, attachmentIds }, (id) => {
          if (flags.save) stderr.write(`${id}\n`);
        })
      : streamChat(client, {
          messages: [{ role: 'user', content: flags.question }],
          providerId: flags.provider,
          modelId: flags.model,
          systemPrompt: flags.system,
          ...(attachmentIds ? { attachmentIds } : {}),
        });
    for await (const event of events) {
      if (event.type === 'thinking') {
        if (!flags.showThinking) continue;
        if (!thinking && dim) stderr.write(DIM);
        thinking = true;
        reasoning.write(event.text);
        continue;
      }
      if (thinking) {
        reasoning.end();
        stderr.write(dim ? `${RESET}\n` : '\n');
        thinking = false;
      }
      if (event.type === 'token') answer.write(event.text);
      else if (event.type === 'done') {
        answer.end();
        stdout.write('\n');
        return 0;
      } else if (event.type === 'error') {
        answer.end();
        stdout.write('\n');
        stderr.write(`lightchat: ${forStderr(event.message)} (${event.errorCode})\n`);
        return 1;
      }
    }
    answer.end();
    stderr.write('lightchat: the stream ended without an answer.\n');
    return 1;
  } catch (error) {
    return reportFailure(error, flags.url, stderr);
  }
}
