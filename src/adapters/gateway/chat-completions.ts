import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { ChatDoneEvent, ChatEvent, ToolCallEvent } from '../../domain/chat.js';
import { AppError, toAppError } from '../../domain/errors.js';
import { honoursToolChoice } from '../../domain/provider.js';
import { checkImages } from '../../domain/services/attachment-content.js';
import { shuttingDownError } from '../api/chat-relay.js';
import { answerAsSse } from '../api/sse.js';
import { completionBody, completionChunks, newCompletionIdentity } from './completion-chunks.js';
import { readCompletionRequest } from './completion-request.js';
import type { GatewayCall } from './gateway-call.js';
import { answerJson, type GatewayContext, readGatewayJson } from './gateway-http.js';
import { explainMissingModel, resolveModel } from './gateway-models.js';
import { openAIError } from './openai-errors.js';

/**
 * `POST /v1/chat/completions`: the client's conversation passed through the chat engine to the named
 * provider, answered in OpenAI's format, streamed or whole. Nothing is written before the first
 * event, so a failure before the answer begins (no such model, provider down, rate limit) gets its
 * own HTTP status; after that, one error chunk ends the stream.
 */
export async function answerCompletion(
  c: Context<{ Bindings: HttpBindings }>,
  call: GatewayCall,
  { core, closing, streams }: GatewayContext,
): Promise<Response> {
  const request = readCompletionRequest(await readGatewayJson(c));
  call.note({ model: request.model, stream: request.stream, ignoredParams: request.ignored });
  const target = await resolveModel(request.model, core.providers, c.req.raw.signal);
  call.note({ providerId: target.providerId, modelId: target.model });
  const prepared = core.chat.preparePassThrough({
    providerId: target.providerId,
    modelId: target.model,
    messages: request.messages,
    options: request.options,
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
  });
  if (request.toolChoice && !honoursToolChoice(prepared.provider.config.type, request.toolChoice)) {
    call.note({ ignoredParams: [...request.ignored, 'tool_choice'] });
  }
  // The client's images, checked as attachments are: a model known not to see them is a 400.
  await checkImages(
    { provider: prepared.provider, modelId: prepared.modelId, signal: c.req.raw.signal },
    prepared.messages,
  );

  // The client leaving, or the server closing, stops the chat and its provider request at once.
  const res = c.env.outgoing;
  const stop = new AbortController();
  const onGone = () => stop.abort();
  res.once('close', onGone);
  closing.addEventListener('abort', onGone, { once: true });
  const release = () => {
    res.off('close', onGone);
    closing.removeEventListener('abort', onGone);
  };

  const events = observe(core.chat.stream(prepared, stop.signal), call);
  const iterator = events[Symbol.asyncIterator]();
  let first: IteratorResult<ChatEvent>;
  try {
    first = await iterator.next();
  } catch (error) {
    release();
    throw await explainMissingModel(toAppError(error), request.model, target, core.providers);
  }
  if (stop.signal.aborted) {
    release();
    await iterator.return?.(undefined);
    if (closing.aborted) throw shuttingDownError();
    call.end('aborted', 499);
    return RESPONSE_ALREADY_SENT;
  }
  const identity = newCompletionIdentity(request.model);

  if (!request.stream) {
    try {
      const answer = await collect(first, iterator);
      if (stop.signal.aborted) {
        if (closing.aborted) throw shuttingDownError();
        call.end('aborted', 499);
        return RESPONSE_ALREADY_SENT;
      }
      call.end('ok', 200);
      return answerJson(c, completionBody(identity, answer));
    } finally {
      release();
    }
  }

  release();
  const relay = answerAsSse(
    res,
    startingWith(first, iterator),
    stop,
    closing,
    completionChunks(identity, request.includeUsage),
  ).finally(() => {
    streams.delete(relay);
    // A finished answer or an error has ended the entry already; what is left was cut short.
    if (closing.aborted) call.end('error', 200, 'SERVER_SHUTTING_DOWN');
    else call.end('aborted', 200);
  });
  streams.add(relay);
  return RESPONSE_ALREADY_SENT;
}

/** The rest of a chat's events, read to the end: the whole answer. */
async function collect(first: IteratorResult<ChatEvent>, rest: AsyncIterator<ChatEvent>) {
  let text = '';
  let thinking = '';
  const toolCalls: ToolCallEvent[] = [];
  for (let result = first; !result.done; result = await rest.next()) {
    const event = result.value;
    if (event.type === 'token') text += event.text;
    else if (event.type === 'thinking') thinking += event.text;
    else if (event.type === 'toolCall') toolCalls.push(event);
    else if (event.type === 'done') return { text, thinking, toolCalls, done: event };
  }
  throw new AppError('INTERNAL', 'The chat ended without an answer or an error.');
}

async function* startingWith(
  first: IteratorResult<ChatEvent>,
  rest: AsyncIterator<ChatEvent>,
): AsyncGenerator<ChatEvent> {
  if (first.done) return;
  try {
    yield first.value;
    for (let result = await rest.next(); !result.done; result = await rest.next()) yield result.value;
  } finally {
    // Left early (the client went away): the chat's own `finally` stops the provider.
    await rest.return?.(undefined);
  }
}

/**
 * The chat's events as they pass, noted for the call's log entry: time to first token, tokens and
 * finish reason on `done`; an error ends the entry with its status.
 */
async function* observe(events: AsyncIterable<ChatEvent>, call: GatewayCall): AsyncGenerator<ChatEvent> {
  let first = true;
  try {
    for await (const event of events) {
      if (first && (event.type === 'token' || event.type === 'thinking' || event.type === 'toolCall')) {
        first = false;
        call.note({ ttftMs: Math.round(call.elapsedMs() * 10) / 10 });
      }
      if (event.type === 'done') noteDone(call, event);
      yield event;
    }
  } catch (error) {
    // Before the first event the route answers it (and ends the entry); after, the stream does.
    if (!first) {
      const appError = toAppError(error);
      call.end('error', openAIError(appError).status, appError.code);
    }
    throw error;
  }
}

function noteDone(call: GatewayCall, done: ChatDoneEvent): void {
  call.note({
    promptTokens: done.usage.promptTokens,
    completionTokens: done.usage.completionTokens,
    finishReason: done.finishReason,
  });
  if (done.finishReason !== 'stopped') call.end('ok', 200);
}
