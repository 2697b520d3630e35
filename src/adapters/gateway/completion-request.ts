import { z } from 'zod';
import type { ProviderOptions } from '../../domain/chat.js';
import type { ProviderMessage, ProviderTool, ToolChoice } from '../../domain/provider.js';
import { badRequest, messageSchema, readMessages } from './completion-messages.js';

export { badRequest } from './completion-messages.js';

/** A `POST /v1/chat/completions` body, read into what the chat engine's pass-through mode takes. */
export interface CompletionCall {
  /** As the client sent it: echoed in every answer. */
  model: string;
  messages: ProviderMessage[];
  options: ProviderOptions;
  stream: boolean;
  includeUsage: boolean;
  /** The client's own tools: the model's calls come back to it, never run here. */
  tools?: ProviderTool[];
  toolChoice?: ToolChoice;
  /** Parameters LightChat does not map (logged with the call, never an error). */
  ignored: string[];
}

const MAX_INT = 2 ** 31 - 1;
const tokenLimit = z.number().int().min(1).max(MAX_INT).nullish();

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1, 'a tool needs a name'),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
});
const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
]);

const bodySchema = z.looseObject({
  model: z
    .string()
    .trim()
    .min(1, 'model is required, e.g. "ollama_local/llama3.2" (GET /v1/models lists them)'),
  messages: z.array(messageSchema).min(1, 'messages must hold at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: tokenLimit,
  max_completion_tokens: tokenLimit,
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.number().int().nullish(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).nullish(),
  n: z.number().int().min(1).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
});

const MAPPED = new Set(Object.keys(bodySchema.shape));

/** Reads a parsed JSON body; throws `badRequest` naming the first thing wrong. */
export function readCompletionRequest(body: unknown): CompletionCall {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? paramOf(issue.path) : null;
    throw badRequest(
      issue?.code === 'invalid_type' && issue.path.length === 0
        ? 'The request body must be a JSON object.'
        : `Invalid ${param ?? 'request'}: ${issue?.message ?? 'not understood'}`,
      param,
    );
  }
  const request = parsed.data;
  if (request.n !== undefined && request.n !== null && request.n > 1) {
    throw badRequest(
      'n > 1 is not supported: LightChat answers with one choice. Send n: 1 or leave it out.',
      'n',
    );
  }
  const ignored = Object.keys(request).filter((key) => !MAPPED.has(key));
  const format = request.response_format?.type;
  if (format === 'json_schema') ignored.push('response_format.json_schema');
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? undefined);
  const options: ProviderOptions = {
    ...(request.temperature == null ? {} : { temperature: request.temperature }),
    ...(request.top_p == null ? {} : { topP: request.top_p }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(stop === undefined || stop.length === 0 ? {} : { stop }),
    ...(request.seed == null ? {} : { seed: request.seed }),
    ...(format === 'json_object' || format === 'json_schema' ? { jsonMode: true } : {}),
  };
  return {
    model: request.model,
    messages: readMessages(request.messages),
    options,
    ...readTools(request.tools, request.tool_choice),
    stream: request.stream === true,
    includeUsage: request.stream === true && request.stream_options?.include_usage === true,
    ignored,
  };
}

/**
 * The client's tools, relayed to the provider (CONTRACT section 13); `tool_choice` naming a tool
 * the request does not offer is refused, as OpenAI does. No tools: `tool_choice` has nothing to say.
 */
function readTools(
  tools: z.infer<typeof toolSchema>[] | null | undefined,
  choice: z.infer<typeof toolChoiceSchema> | null | undefined,
): Pick<CompletionCall, 'tools' | 'toolChoice'> {
  if (!tools?.length) return {};
  const offered: ProviderTool[] = tools.map(({ function: fn }) => ({
    name: fn.name,
    description: fn.description ?? '',
    // A function without parameters takes none (Anthropic and Ollama need a schema all the same).
    parameters: fn.parameters ?? { type: 'object', properties: {} },
  }));
  if (choice === undefined || choice === null) return { tools: offered };
  if (typeof choice === 'string') return { tools: offered, toolChoice: choice };
  const name = choice.function.name;
  if (!offered.some((tool) => tool.name === name)) {
    throw badRequest(
      `Invalid tool_choice: "${name.slice(0, 64)}" is not one of the tools of this request.`,
      'tool_choice',
    );
  }
  return { tools: offered, toolChoice: { name } };
}

/** `['messages', 0, 'role']` → `messages[0].role`. */
function paramOf(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
