import type { ChatErrorEvent, ChatEvent } from '../../domain/chat.js';
import { AppError, toAppError } from '../../domain/errors.js';
import type { ChatRecorder } from '../../domain/services/stored-chat.js';

export interface ChatRelayOptions {
  /** The chat's events (`ChatService.stream(prepared, stop.signal)`). */
  events: AsyncIterable<ChatEvent>;
  /** Aborted to stop the chat: by the transport when its consumer leaves, here when the host closes. */
  stop: AbortController;
  /** Aborted when the host shuts down: the chat stops and ends with `SERVER_SHUTTING_DOWN`. */
  closing?: AbortSignal;
  /** The transport's TokenJoiner, or the registry's log of the chat. */
  to: { push(event: ChatEvent): void };
  /** A stored chat: its turn records every event, and the end is sent once the answer is written. */
  recorder?: ChatRecorder;
}

/**
 * The one relay of a chat to a transport (REST SSE, tRPC over HTTP and IPC): the chat runs as fast as
 * its provider sends, its events go through the joining rule, and it ends with exactly one terminal
 * event (`done` or `error`), after which nothing is pushed. Never rejects.
 */
export async function relayChat({ events, stop, closing, to, recorder }: ChatRelayOptions): Promise<void> {
  const onClosing = () => stop.abort();
  if (closing?.aborted) onClosing();
  closing?.addEventListener('abort', onClosing, { once: true });
  const end = async (event: ChatEvent) => {
    const ended = recorder ? await recorder.end(event) : event;
    to.push(ended.type === 'done' && closing?.aborted ? shuttingDownEvent() : ended);
  };
  try {
    for await (const event of events) {
      if (event.type === 'done' || event.type === 'error') {
        await end(event);
        return;
      }
      recorder?.record(event);
      to.push(event);
    }
    await end(errorEvent(new AppError('INTERNAL', 'The chat ended without an answer or an error.')));
  } catch (error) {
    await end(errorEvent(toAppError(error)));
  } finally {
    closing?.removeEventListener('abort', onClosing);
  }
}

export const isTerminal = (event: ChatEvent): boolean => event.type === 'done' || event.type === 'error';

export const errorEvent = (error: AppError): ChatErrorEvent => ({
  type: 'error',
  errorCode: error.code,
  message: error.message,
  details: error.details,
});

export const shuttingDownError = (): AppError =>
  new AppError(
    'SERVER_SHUTTING_DOWN',
    'LightChat is shutting down; the answer was stopped. Start it again and retry.',
  );

export const shuttingDownEvent = (): ChatErrorEvent => errorEvent(shuttingDownError());
