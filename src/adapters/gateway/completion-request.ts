import { z } from 'zod';
import type { ChatMessage, ProviderOptions } from '../../domain/chat.js';
import { AppError } from '../../domain/errors.js';

/** A `POST /v1/chat/completions` body, read into what the chat engine's pass-through mode takes. */
export interface CompletionCall {
  /** As the client sent it: echoed in every answer. */
  model: string;
  messages: ChatMessage[];
  options: ProviderOptions;
  stream: boolean;
  includeUsage: boolean;
  /** Parameters LightChat does not map (logged with the call, never an error). */
  ignored: string[];
}

/** Tool calling comes with the tools work; until then a request that needs it is refused plainly. */
export const TOOLS_NOT_SUPPORTED = 'tools are not supported by this LightChat version yet';

const MAX_INT = 2 ** 31 - 1;
const tokenLimit = z.number().int().min(1).max(MAX_INT).nullish();

const partSchema = z.looseObject({ type: z.string() });
const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(partSchema)]).nullish(),
  tool_calls: z.array(z.unknown()).nullish(),
  tool_call_id: z.string().nullish(),
});

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
  tools: z.array(z.unknown()).nullish(),
  tool_choice: z.unknown().optional(),
});

const MAPPED = new Set(Object.keys(bodySchema.shape));
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** A bad request in OpenAI's terms: 400 `invalid_request_error`, `param` naming the field. */
export const badRequest = (message: string, param: string | null): AppError =>
  new AppError('VALIDATION_ERROR', message, { details: { param } });

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
  if (request.tools && request.tools.length > 0) throw badRequest(`${TOOLS_NOT_SUPPORTED}.`, 'tools');
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
    messages: request.messages.map(readMessage),
    options,
    stream: request.stream === true,
    includeUsage: request.stream === true && request.stream_options?.include_usage === true,
    ignored,
  };
}

function readMessage(message: z.infer<typeof messageSchema>, index: number): ChatMessage {
  const where = `messages[${index}]`;
  if (!ROLES.has(message.role)) {
    throw badRequest(
      `Invalid ${where}.role: "${message.role.slice(0, 40)}" is not a role. Use system, developer, user or assistant.`,
      `${where}.role`,
    );
  }
  if (message.role === 'tool' || (message.tool_calls && message.tool_calls.length > 0)) {
    throw badRequest(`${TOOLS_NOT_SUPPORTED} (${where} carries a tool call or result).`, where);
  }
  // OpenAI's newer name for the system role (o-series models); every provider here knows `system`.
  const role = message.role === 'developer' ? 'system' : (message.role as ChatMessage['role']);
  const content = message.content;
  if (content === undefined || content === null) {
    if (role === 'assistant') return { role, content: '' };
    throw badRequest(
      `Invalid ${where}.content: a ${message.role} message needs content.`,
      `${where}.content`,
    );
  }
  if (typeof content === 'string') return { role, content };
  const texts = content.map((part, partIndex) => {
    const param = `${where}.content[${partIndex}]`;
    if (part.type === 'text' && typeof part.text === 'string') return part.text;
    if (part.type === 'image_url') {
      throw badRequest('Image parts are not supported by this LightChat version yet: send text only.', param);
    }
    throw badRequest(
      `Invalid ${param}: parts of type "${part.type.slice(0, 40)}" are not supported; send text parts.`,
      param,
    );
  });
  // OpenAI reads a message's text parts as one text, in order.
  return { role, content: texts.join('') };
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
