import { createParser } from 'eventsource-parser';
import { toCamelKeys } from '../domain/casing.js';
import type { ChatEvent } from '../domain/chat.js';
import type { AskFlags } from './main.js';
import { restFetch } from './rest.js';

/** What `ask` prints from a stream: the text, the thinking, and how it ended. */
export type AskEvent =
  | Extract<ChatEvent, { type: 'token' | 'thinking' | 'toolCall' | 'toolResult' }>
  | { type: 'start'; chatId: string }
  | { type: 'done' }
  | {
      type: 'error';
      errorCode: string;
      message: string;
    };

/**
 * `ask --continue ID` / `ask --save`: a chat in a stored conversation, through `POST /chat` with
 * `conversation_id` (CONTRACT section 10). `onConversation` gets the conversation's id from the
 * stream's `start` event.
 */
export async function* storedChatEvents(
  flags: AskFlags & { question: string; attachmentIds?: string[] | undefined },
  onConversation: (id: string) => void,
): AsyncGenerator<AskEvent> {
  const stop = new AbortController();
  const response = await restFetch(flags)('/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      conversation_id: flags.continue ?? 'new',
      prompt: flags.question,
      ...(flags.attachmentIds ? { attachment_ids: flags.attachmentIds } : {}),
      tools: 'auto',
      ...(flags.provider ? { provider_id: flags.provider } : {}),
      ...(flags.model ? { model_id: flags.model } : {}),
      ...(flags.system ? { system_prompt: flags.system } : {}),
      ...(flags.think ? { options: { think: thinkOption(flags.think) } } : {}),
    }),
    signal: stop.signal,
  });
  const pending: AskEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      const data = JSON.parse(message.data) as Record<string, unknown>;
      if (message.event === 'start') {
        pending.push({ type: 'start', chatId: String(data.chat_id) });
        if (typeof data.conversation_id === 'string') onConversation(data.conversation_id);
      } else if (message.event === 'tool_call' || message.event === 'tool_result') {
        const event = toCamelKeys(data) as Record<string, unknown>;
        pending.push({
          ...event,
          type: message.event === 'tool_call' ? 'toolCall' : 'toolResult',
        } as AskEvent);
      } else if (message.event === 'done') pending.push({ type: 'done' });
      else if (message.event === 'error') {
        pending.push({ type: 'error', errorCode: String(data.error_code), message: String(data.message) });
      } else if (typeof data.token === 'string') pending.push({ type: 'token', text: data.token });
      else if (typeof data.thinking === 'string') pending.push({ type: 'thinking', text: data.thinking });
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      yield* pending.splice(0);
    }
  } finally {
    // Leaving early (Ctrl-C, a closed pipe) ends the request, and the server stops the chat.
    stop.abort();
  }
}

/** `--think on|off|low|medium|high` as `options.think`: on/off are booleans, so off stops a model that thinks by default. */
export function thinkOption(level: NonNullable<AskFlags['think']>): boolean | 'low' | 'medium' | 'high' {
  if (level === 'on') return true;
  if (level === 'off') return false;
  return level;
}
