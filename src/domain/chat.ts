import { z } from 'zod';
import { attachmentIdsSchema } from './attachment.js';
import { ERROR_CODES } from './errors.js';
import { THINK_LEVELS } from './think.js';

export const chatRoleSchema = z.enum(['user', 'assistant', 'system']);
/** A message may carry files uploaded first (`POST /attachments`), by id (CONTRACT section 12). */
export const chatMessageSchema = z.strictObject({
  role: chatRoleSchema,
  content: z.string(),
  attachmentIds: attachmentIdsSchema.optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** `options.think` (CONTRACT section 12): on/off, or a level. */
export const thinkSchema = z.union([z.boolean(), z.enum(THINK_LEVELS)]);

export const chatOptionsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  /** Ollama only: the context window. */
  numCtx: z.number().int().positive().optional(),
  /** Thinking control (CONTRACT section 12): `true` is "medium"; adapters map it to their API. */
  think: thinkSchema.optional(),
});
export type ChatOptions = z.infer<typeof chatOptionsSchema>;

/**
 * Sampling settings that only the gateway's pass-through mode sends (CONTRACT section 13): an
 * OpenAI client's `top_p`, `stop`, `seed` and JSON mode, mapped by each adapter to its API.
 */
export interface PassThroughOptions {
  topP?: number;
  stop?: string[];
  seed?: number;
  /** `response_format: {type: "json_object"}`: the answer is one JSON value (Ollama `format: "json"`). */
  jsonMode?: boolean;
}
export type ProviderOptions = ChatOptions & PassThroughOptions;

/** Thinking budgets of `options.think` for APIs that take a token budget (Anthropic, Gemini). */
export const THINK_BUDGET_TOKENS = { low: 2048, medium: 8192, high: 24576 } as const;

/** The budget `think` asks for: a number, 0 for "off", undefined for the model's own default. */
export function thinkBudget(think: ChatOptions['think']): number | undefined {
  if (think === undefined) return undefined;
  if (think === false) return 0;
  return THINK_BUDGET_TOKENS[think === true ? 'medium' : think];
}

/**
 * Which chats get tools (CONTRACT section 11): `auto` offers the tools of the enabled MCP servers;
 * `none`, the default for API requests, keeps scripts from waiting on an approval nobody can give.
 */
export const chatToolsSchema = z.enum(['auto', 'none']);
export type ChatTools = z.infer<typeof chatToolsSchema>;

export const chatRequestSchema = z.strictObject({
  messages: z
    .array(chatMessageSchema)
    .min(1, 'messages must hold at least one message')
    .refine(
      (messages) => messages.some((message) => message.role === 'user'),
      'messages must hold a user message',
    ),
  providerId: z.string().min(1).optional(),
  modelId: z.string().min(1).optional(),
  systemPrompt: z.string().nullish(),
  options: chatOptionsSchema.optional(),
  tools: chatToolsSchema.optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/**
 * What `chat.start` and `POST /chat` take (CONTRACT sections 3, 5 and 10): a stateless chat
 * (`prompt` or `messages`) or a send into a conversation (`conversationId`, `"new"` included, with
 * `prompt` and `after` / `editOf` / `regenerateOf`). The shape only: the chat engine checks the rest,
 * with the same errors for every transport.
 */
export const chatStartSchema = z.strictObject({
  prompt: z.string().optional(),
  messages: z.array(chatMessageSchema).optional(),
  providerId: z.string().min(1).optional(),
  modelId: z.string().min(1).optional(),
  systemPrompt: z.string().nullish(),
  options: chatOptionsSchema.optional(),
  /** Files for the newest user message: `prompt`'s, or the last user message of `messages`. */
  attachmentIds: attachmentIdsSchema.optional(),
  tools: chatToolsSchema.optional(),
  conversationId: z.string().optional(),
  temporary: z.boolean().optional(),
  after: z.string().optional(),
  editOf: z.string().optional(),
  regenerateOf: z.string().optional(),
});
export type ChatStartInput = z.infer<typeof chatStartSchema>;

export const usageSchema = z.object({
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int(),
});
export type Usage = z.infer<typeof usageSchema>;

export const chatStatsSchema = z.object({
  ttftMs: z.number().nullable(),
  durationMs: z.number(),
  tokensPerS: z.number(),
});
export type ChatStats = z.infer<typeof chatStatsSchema>;

/** The ids of a stored chat (CONTRACT section 10): on `start`, and on `done`/`error` as `messageId`. */
const storedIds = {
  conversationId: z.string().optional(),
  messageId: z.string().optional(),
  /** A history write failed while the answer streamed (disk full…): the chat went on. */
  historyError: z.object({ errorCode: z.string(), message: z.string() }).optional(),
};

export const chatEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    chatId: z.string(),
    conversationId: z.string().optional(),
    userMessageId: z.string().nullable().optional(),
    assistantMessageId: z.string().optional(),
  }),
  z.object({ type: z.literal('token'), text: z.string() }),
  z.object({ type: z.literal('thinking'), text: z.string() }),
  /** Old turns were left out to fit the context window (CONTRACT section 12); before any text. */
  z.object({ type: z.literal('truncated'), droppedMessages: z.number().int().positive() }),
  /** The model called a tool (`server` and the tool's own `name`; `server` is "" for a tool it made up). */
  z.object({
    type: z.literal('toolCall'),
    id: z.string(),
    server: z.string(),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    /** The arguments as the model sent them when they were not a JSON object (relayed by the gateway as sent). */
    invalidArguments: z.string().optional(),
    needsApproval: z.boolean(),
  }),
  /** What went back to the model for that call: the tool's text (cut at 20 KB), or why it did not run. */
  z.object({
    type: z.literal('toolResult'),
    id: z.string(),
    ok: z.boolean(),
    content: z.string(),
    durationMs: z.number(),
  }),
  z.object({
    type: z.literal('done'),
    finishReason: z.string(),
    providerId: z.string(),
    modelId: z.string(),
    usage: usageSchema,
    stats: chatStatsSchema,
    /** Present (true) when old turns were left out to fit the context window. */
    truncated: z.boolean().optional(),
    ...storedIds,
  }),
  z.object({
    type: z.literal('error'),
    errorCode: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    ...storedIds,
  }),
]);
export type ChatEvent = z.infer<typeof chatEventSchema>;
export type ChatDoneEvent = Extract<ChatEvent, { type: 'done' }>;
export type ChatErrorEvent = Extract<ChatEvent, { type: 'error' }>;
export type ChatStartEvent = Extract<ChatEvent, { type: 'start' }>;
export type ToolCallEvent = Extract<ChatEvent, { type: 'toolCall' }>;
export type ToolResultEvent = Extract<ChatEvent, { type: 'toolResult' }>;
