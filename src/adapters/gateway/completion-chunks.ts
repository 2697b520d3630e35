import { randomBytes } from 'node:crypto';
import type { ChatDoneEvent, ChatEvent, ToolCallEvent } from '../../domain/chat.js';
import type { RenderEvent } from '../api/sse.js';
import { openAIErrorBody } from './openai-errors.js';

/** What every chunk of one answer repeats: one `id` and `created` per stream, the model as requested. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export const newCompletionIdentity = (model: string, now = Date.now()): CompletionIdentity => ({
  id: `chatcmpl-${randomBytes(12).toString('hex')}`,
  created: Math.floor(now / 1000),
  model,
});

/** OpenAI's finish reasons; a chat stopped early or an engine's own reason reads as `stop`. */
const FINISH_REASONS = new Set(['stop', 'length', 'tool_calls', 'content_filter']);
export const openAIFinishReason = (reason: string): string => (FINISH_REASONS.has(reason) ? reason : 'stop');

export function openAIUsage(done: ChatDoneEvent) {
  const prompt = done.usage.promptTokens ?? 0;
  const completion = done.usage.completionTokens;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * A chat's events as OpenAI's stream (`chat.completion.chunk`): the role chunk, `content`,
 * `reasoning_content` and `tool_calls` deltas, the finish chunk, the usage chunk (`choices: []`) only when asked
 * for, then `[DONE]`. An error after the stream began is one `{"error": …}` and the end.
 */
export function completionChunks(identity: CompletionIdentity, includeUsage: boolean): RenderEvent {
  let roleSent = false;
  let callIndex = 0;
  const chunk = (choices: unknown[], usage: unknown = null) =>
    `data: ${JSON.stringify({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      system_fingerprint: null,
      choices,
      // OpenAI sends `usage: null` on every chunk but the last when usage is asked for.
      ...(includeUsage ? { usage } : {}),
    })}\n\n`;
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  const role = (): string => {
    if (roleSent) return '';
    roleSent = true;
    return chunk([choice({ role: 'assistant', content: '' })]);
  };
  return (event: ChatEvent): string => {
    switch (event.type) {
      case 'token':
        return role() + chunk([choice({ content: event.text })]);
      case 'thinking':
        return role() + chunk([choice({ reasoning_content: event.text })]);
      case 'toolCall': {
        // As OpenAI streams a call: its id, type and name first, then its arguments.
        const index = callIndex++;
        const { id, name } = event;
        return (
          role() +
          chunk([
            choice({
              tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }],
            }),
          ]) +
          chunk([choice({ tool_calls: [{ index, function: { arguments: argumentsText(event) } }] })])
        );
      }
      case 'done':
        return (
          role() +
          chunk([choice({}, openAIFinishReason(event.finishReason))]) +
          (includeUsage ? chunk([], openAIUsage(event)) : '') +
          'data: [DONE]\n\n'
        );
      case 'error':
        return `data: ${JSON.stringify(openAIErrorBody(event))}\n\n`;
      default:
        return '';
    }
  };
}

/** A call's arguments as OpenAI sends them: a JSON text, or what the model sent when it was not JSON. */
const argumentsText = (call: ToolCallEvent): string =>
  call.invalidArguments ?? JSON.stringify(call.arguments);

/** The whole answer of a call with `stream: false`. */
export function completionBody(
  identity: CompletionIdentity,
  answer: { text: string; thinking: string; toolCalls: ToolCallEvent[]; done: ChatDoneEvent },
) {
  const calls = answer.toolCalls.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: argumentsText(call) },
  }));
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI's `null` for a turn of calls only.
          content: answer.text === '' && calls.length > 0 ? null : answer.text,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
          ...(answer.thinking ? { reasoning_content: answer.thinking } : {}),
        },
        logprobs: null,
        finish_reason: openAIFinishReason(answer.done.finishReason),
      },
    ],
    usage: openAIUsage(answer.done),
  };
}
