import { type ChatEvent, streamChat } from '../client/index.js';
import type { ToolCallEvent, ToolResultEvent } from '../domain/chat.js';
import { uploadFiles } from './attach.js';
import type { AskFlags } from './main.js';
import { connect, reportFailure } from './remote.js';
import { type AskEvent, storedChatEvents, thinkOption } from './stored-ask.js';
import { type OutputStream, stripTerminalControls, terminalWriter } from './terminal-text.js';
import { type ApprovalPrompt, terminalPrompt } from './tool-prompt.js';

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export interface AskOutput {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Asks whether a tool call may run (default: y/N on /dev/tty; `null`: no terminal, so denied). */
  prompt?: ApprovalPrompt;
}

/** How much of a tool's result is shown on stderr (the model gets all of it). */
const RESULT_PREVIEW_CHARS = 300;

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
  let chatId = '';
  const prompt = output.prompt ?? terminalPrompt;
  /** A call that waits: approved by --approve-all or on the terminal; denied without a terminal. */
  const answerCall = async (call: ToolCallEvent) => {
    const where = `${call.server}/${call.name}`;
    stderr.write(forStderr(`Tool call: ${where} ${JSON.stringify(call.arguments)}\n`));
    if (!call.needsApproval) return;
    const approved = flags.approveAll ? true : await prompt(`Run ${where}? [y/N] `);
    if (approved === null)
      stderr.write('No terminal to ask on: the call is denied (use --approve-all in scripts).\n');
    const decision = approved === true ? 'approve' : 'deny';
    await client.chat.decideTool.mutate({ chatId, id: call.id, decision });
  };
  const showResult = (result: ToolResultEvent) => {
    const preview =
      result.content.length > RESULT_PREVIEW_CHARS
        ? `${result.content.slice(0, RESULT_PREVIEW_CHARS)}…`
        : result.content;
    stderr.write(
      forStderr(
        `Tool result (${result.ok ? 'ok' : 'failed'}, ${Math.round(result.durationMs)} ms): ${preview}\n`,
      ),
    );
  };
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
          ...(flags.think ? { options: { think: thinkOption(flags.think) } } : {}),
          // The CLI asks on the terminal (or is told --approve-all): it can be offered tools.
          tools: 'auto',
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
      if (event.type === 'start') chatId = event.chatId;
      else if (event.type === 'toolCall') {
        answer.end();
        await answerCall(event);
      } else if (event.type === 'toolResult') showResult(event);
      else if (event.type === 'token') answer.write(event.text);
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
