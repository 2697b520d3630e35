import { z } from 'zod';
import { thinkBudget } from '../../domain/chat.js';
import type {
  ModelCapability,
  ModelInfo,
  ProviderChatRequest,
  ProviderMessage,
  ToolChoice,
} from '../../domain/provider.js';
import { anthropicImageBlocks, type ImageEncoder } from './image-parts.js';

/**
 * What the Anthropic adapter sends and what it knows of models: the Messages API body, and each
 * model's capabilities as `/v1/models` gives them.
 */

/** The API requires `max_tokens`; LightChat's default when the chat sets none (CONTRACT section 14). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;
/** The smallest thinking budget the API takes. */
const MIN_BUDGET = 1024;

/** How a model takes thinking: a budget (`enabled`), only `adaptive`, or not at all. */
export interface AnthropicModelFacts {
  thinking: 'enabled' | 'adaptive' | 'none';
  /** The largest `max_tokens` the model takes, when the model list said it. */
  maxOutput?: number;
}

/**
 * Models from before extended thinking (Claude 2 and 3, 3.5; 3.7 Sonnet has it), for when the
 * model list has not been read (or said nothing): thinking asked of them is sent without it.
 */
const NO_THINKING = /^claude-(instant|2|3-(?!7))/i;

export const factsFromName = (model: string): AnthropicModelFacts => ({
  thinking: NO_THINKING.test(model) ? 'none' : 'enabled',
});

const support = z.object({ supported: z.boolean() }).nullish();

export const anthropicModelSchema = z.object({
  id: z.string(),
  display_name: z.string().nullish(),
  created_at: z.string().nullish(),
  max_input_tokens: z.number().int().positive().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  capabilities: z
    .object({
      image_input: support,
      thinking: z
        .object({
          supported: z.boolean(),
          types: z.object({ enabled: support, adaptive: support }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
type AnthropicModel = z.infer<typeof anthropicModelSchema>;

/** A listed model as LightChat shows it, and what the adapter keeps of it for its requests. */
export function readAnthropicModel(model: AnthropicModel): { info: ModelInfo; facts: AnthropicModelFacts } {
  const capabilities = model.capabilities;
  const thinking = capabilities?.thinking;
  const facts: AnthropicModelFacts = thinking
    ? {
        thinking: !thinking.supported
          ? 'none'
          : thinking.types?.enabled?.supported === false && thinking.types?.adaptive?.supported
            ? 'adaptive'
            : 'enabled',
      }
    : factsFromName(model.id);
  if (model.max_tokens) facts.maxOutput = model.max_tokens;
  // Every model of the Messages API takes tools; the list says nothing of them.
  const listed: ModelCapability[] = ['completion', 'tools'];
  if (capabilities?.image_input?.supported) listed.push('vision');
  if (thinking?.supported) listed.push('thinking');
  const info: ModelInfo = {
    id: model.id,
    name: model.display_name || model.id,
    ...(model.created_at ? { modifiedAt: model.created_at } : {}),
    capabilities: capabilities ? listed : null,
    ...(model.max_input_tokens ? { contextLength: model.max_input_tokens } : {}),
  };
  return { info, facts };
}

/**
 * The Messages API body: system prompt in `system`, `max_tokens` always, thinking on request —
 * and only for a model that takes it (CONTRACT section 14: asked of another, it is left out).
 */
export function messagesBody(
  request: ProviderChatRequest,
  encode: ImageEncoder,
  facts = factsFromName(request.model),
) {
  const { temperature, maxTokens, think, topP, stop } = request.options;
  const system = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const budget = facts.thinking === 'none' ? undefined : thinkBudget(think);
  const answerRoom = maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
  // The budget is part of max_tokens: leave room for the answer after it, within the model's limit.
  const max_tokens = Math.min(
    budget ? budget + answerRoom : answerRoom,
    facts.maxOutput ?? Number.POSITIVE_INFINITY,
  );
  const thinking = !budget
    ? undefined
    : facts.thinking === 'adaptive'
      ? { type: 'adaptive' as const }
      : {
          type: 'enabled' as const,
          budget_tokens: Math.max(MIN_BUDGET, Math.min(budget, max_tokens - MIN_BUDGET)),
        };
  return {
    model: request.model,
    max_tokens,
    stream: true as const,
    ...(system ? { system } : {}),
    messages: joinToolResults(
      request.messages
        .filter((message) => message.role !== 'system')
        .map((message) => toMessage(message, thinking !== undefined, encode)),
    ),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            input_schema: tool.parameters,
          })),
          ...(request.toolChoice === undefined
            ? {}
            : { tool_choice: anthropicToolChoice(request.toolChoice) }),
        }
      : {}),
    // The API takes no temperature together with thinking.
    ...(temperature === undefined || thinking ? {} : { temperature: Math.min(temperature, 1) }),
    ...(thinking ? { thinking } : {}),
    ...(topP === undefined || thinking ? {} : { top_p: topP }),
    ...(stop === undefined ? {} : { stop_sequences: stop }),
  };
}

/**
 * A message of the conversation. An earlier answer with signed thinking goes back as a thinking
 * block before its text, as the API asks (it checks the signature) — when this request thinks
 * too: without thinking the API has no use for it.
 */
function toMessage(message: ProviderMessage, thinks: boolean, encode: ImageEncoder): AnthropicMessage {
  if (message.role === 'tool') {
    // A tool's result goes back in a user turn, as a `tool_result` block of the call it answers.
    return {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content }],
    };
  }
  if (message.role === 'user' && message.images?.length) {
    return {
      role: 'user',
      content: [
        ...anthropicImageBlocks(message.images, encode),
        ...(message.content === '' ? [] : [{ type: 'text' as const, text: message.content }]),
      ],
    };
  }
  const role = message.role as 'user' | 'assistant';
  const signed = role === 'assistant' && thinks && message.thinking && message.thinkingSignature;
  const calls = role === 'assistant' ? (message.toolCalls ?? []) : [];
  if (!signed && calls.length === 0) return { role, content: message.content };
  return {
    role,
    content: [
      ...(signed
        ? [{ type: 'thinking', thinking: message.thinking, signature: message.thinkingSignature }]
        : []),
      ...(message.content ? [{ type: 'text', text: message.content }] : []),
      ...calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments })),
    ],
  };
}

type AnthropicMessage = { role: 'user' | 'assistant'; content: string | Record<string, unknown>[] };

/** The results of one turn's calls go back together, in the one user turn that follows it. */
function joinToolResults(messages: AnthropicMessage[]): AnthropicMessage[] {
  const joined: AnthropicMessage[] = [];
  for (const message of messages) {
    const last = joined.at(-1);
    if (isToolResults(message) && last && isToolResults(last)) {
      last.content = [
        ...(last.content as Record<string, unknown>[]),
        ...(message.content as Record<string, unknown>[]),
      ];
    } else joined.push(message);
  }
  return joined;
}

const isToolResults = (message: AnthropicMessage): boolean =>
  message.role === 'user' &&
  Array.isArray(message.content) &&
  message.content.every((block) => block.type === 'tool_result');

/** OpenAI's `tool_choice` in Anthropic's words: `required` is `any`. */
function anthropicToolChoice(choice: ToolChoice) {
  if (typeof choice !== 'string') return { type: 'tool' as const, name: choice.name };
  return { type: choice === 'required' ? ('any' as const) : choice };
}
