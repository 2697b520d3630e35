import { z } from 'zod';
import type { ChatMessage, ProviderOptions } from './chat.js';
import type { ModelManager } from './ports/model-manager.port.js';
import { MODEL_CAPABILITIES } from './provider-types.js';
import { PROVIDER_TYPES, type ProviderConfig, type ProviderType } from './settings.js';

export { MODEL_CAPABILITIES, type ModelCapability } from './provider-types.js';

export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  sizeBytes: z.number().optional(),
  modifiedAt: z.string().optional(),
  family: z.string().optional(),
  parameterSize: z.string().optional(),
  quantization: z.string().optional(),
  /** What the provider's API says the model can do; `null` or absent when it says nothing. */
  capabilities: z.array(z.enum(MODEL_CAPABILITIES)).nullable().optional(),
  /** The model's context window in tokens, when the API says it. */
  contextLength: z.number().int().positive().optional(),
  /** Ollama: whether the model is in memory now (`/api/ps`). */
  loaded: z.boolean().optional(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;
export type ModelDetails = Pick<ModelInfo, 'capabilities' | 'contextLength'>;
export interface ListModelsOptions {
  brief?: boolean;
}

export const PROVIDER_STATUSES = ['ok', 'unreachable', 'unauthorized', 'error'] as const;
export const providerInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(PROVIDER_TYPES),
  status: z.enum(PROVIDER_STATUSES),
  statusMessage: z.string().nullable(),
  host: z.string(),
  defaultModel: z.string().nullable(),
  isDefault: z.boolean(),
  demo: z.boolean(),
});
export type ProviderInfo = z.infer<typeof providerInfoSchema>;

/** What a provider adapter streams: text, thinking, and one `done` at the end. */
export type ProviderChunk =
  /** `count`: how many provider tokens the text joins (an adapter may join what one network read held); default 1. */
  | { type: 'token'; text: string; count?: number }
  | { type: 'thinking'; text: string; count?: number }
  /**
   * The provider's signature of the thinking (Anthropic `signature_delta`, Gemini
   * `thoughtSignature`): never shown, kept with the answer so that a later turn can send it back.
   */
  | { type: 'signature'; signature: string }
  /** One complete tool call (CONTRACT section 11): Ollama's whole calls, OpenAI's fragments joined. */
  | { type: 'tool_call'; call: ProviderToolCall }
  | { type: 'done'; finishReason: string; usage?: { promptTokens?: number; completionTokens?: number } };

/**
 * A message as the adapters send it. An earlier answer of the same provider and model may carry
 * its thinking and the signature the provider gave it (CONTRACT section 14): the Anthropic and
 * Gemini adapters send them back as their APIs ask; a signature from another model is refused by
 * the API, so whoever fills these fields fills them only for answers of the model asked now.
 */
export interface ProviderMessage extends Omit<ChatMessage, 'role'> {
  /** `tool`: the result of one call, sent back in the provider's own format. */
  role: ChatMessage['role'] | 'tool';
  thinking?: string;
  thinkingSignature?: string;
  /** Images for a model that sees (CONTRACT section 12): Ollama `images`, OpenAI `image_url`, … */
  images?: ProviderImage[];
  /**
   * What the user wrote, when `content` also holds attached files' text: the log keeps only this
   * (a 1 MB file would push the user's own chats out of it).
   */
  ownText?: string;
  /** An assistant turn's tool calls, as the model made them. */
  toolCalls?: ProviderToolCall[];
  /** A `tool` message: the call it answers (OpenAI `tool_call_id`)… */
  toolCallId?: string;
  /** …and the tool's name as the model saw it (Ollama `tool_name`). */
  toolName?: string;
}

/**
 * An attached image as the adapters send it. Its bytes are read a chunk at a time as the request
 * body goes out (a 20 MB stored file is never whole in memory on its way to the provider), anew on
 * every call of `chunks`: a retried request reads them again. A chunk is good until the next one is
 * asked for.
 */
export interface ProviderImage {
  name: string;
  mimeType: string;
  /** In bytes. */
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

/** An image whose bytes are in memory already (a gateway call's data URL). */
export function imageFromBytes(name: string, mimeType: string, data: Uint8Array): ProviderImage {
  return {
    name,
    mimeType,
    size: data.byteLength,
    async *chunks() {
      yield data;
    },
  };
}

/** The bytes whole, for APIs whose SDK takes one string per image (Anthropic, Gemini). */
export async function imageBytes(image: ProviderImage): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of image.chunks()) {
    // A copy: a source may read its next chunk into the same buffer.
    parts.push(chunk.slice());
    size += chunk.byteLength;
  }
  if (parts.length === 1 && parts[0]) return parts[0];
  const whole = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.byteLength;
  }
  return whole;
}

/** A tool call as the model made it; `name` is the name the model saw (CONTRACT section 11). */
export interface ProviderToolCall {
  /** The provider's call id; LightChat makes one where the API gives none (Ollama). */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** The arguments as sent, when they were not a JSON object: the call goes back to the model as an error. */
  invalidArguments?: string;
  /**
   * Gemini: the thought signature that came on the call's part. Never shown; it goes back on the
   * same part with the turn (CONTRACT section 14), or the API refuses the next request.
   */
  signature?: string;
}

/** A tool offered to the model: its name as the model sees it, and its server's JSON Schema. */
export interface ProviderTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/**
 * Arguments as the model sent them (a JSON text, OpenAI; an object, Ollama): an object, or the text
 * that was not one. One rule for every adapter.
 */
export function readToolArguments(raw: unknown): Pick<ProviderToolCall, 'arguments' | 'invalidArguments'> {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return { arguments: {} };
    try {
      value = JSON.parse(raw);
    } catch {
      return { arguments: {}, invalidArguments: raw };
    }
  }
  if (value === undefined || value === null) return { arguments: {} };
  if (typeof value === 'object' && !Array.isArray(value))
    return { arguments: value as Record<string, unknown> };
  return { arguments: {}, invalidArguments: typeof raw === 'string' ? raw : JSON.stringify(raw) };
}

/**
 * Whether and which tool the model must call (an OpenAI client's `tool_choice`, passed through by the
 * gateway): `auto` (the default), `none`, `required` (some tool), or the tool named.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/**
 * The choices each API honours. Ollama has no `tool_choice`: `none` is kept by sending no tools,
 * `required` and a named tool cannot be (the gateway logs them as ignored). Gemini takes them all
 * (`functionCallingConfig`).
 */
export function honoursToolChoice(type: ProviderType, choice: ToolChoice): boolean {
  if (choice === 'auto') return true;
  if (type === 'openai' || type === 'anthropic' || type === 'gemini') return true;
  return type === 'ollama' && choice === 'none';
}

export interface ProviderChatRequest {
  model: string;
  /** The system prompt, if any, is already the first message. */
  messages: ProviderMessage[];
  options: ProviderOptions;
  /** Tools the model may call (none: the request offers none). */
  tools?: ProviderTool[];
  /** Absent: the API's default (`auto`). */
  toolChoice?: ToolChoice;
}

/** Texts to embed with one embedding model (the gateway's `/v1/embeddings`, CONTRACT section 13). */
export interface EmbedRequest {
  model: string;
  input: string[];
  /** Fewer dimensions, for models that can shorten their vectors. */
  dimensions?: number;
}

export interface Embeddings {
  /** One vector per input, in order. */
  vectors: number[][];
  promptTokens?: number;
}

/**
 * The port every provider adapter implements. Adapters throw `AppError`s with a `failure` kind and
 * never retry on their own: the ChatService owns the retry policy and the timeouts.
 */
export interface ChatProvider {
  readonly config: ProviderConfig;
  /**
   * The models; `brief`: only what the list itself says (a status probe, the gateway's ids), without
   * asking anything per model (Ollama's `/api/show` and `/api/ps`).
   */
  listModels(signal?: AbortSignal, options?: ListModelsOptions): Promise<ModelInfo[]>;
  /** Aborting `signal` (or leaving the iteration early) aborts the HTTP request. */
  streamChat(request: ProviderChatRequest, signal: AbortSignal): AsyncIterable<ProviderChunk>;
  /**
   * Whether the model reasons before it answers, so a long wait for its first token is normal
   * (OpenAI o-series and gpt-5, Ollama models with the `thinking` capability). Never throws: a
   * provider that can't tell says `false`.
   */
  isReasoningModel?(model: string, signal: AbortSignal): Promise<boolean>;
  /**
   * What the provider knows of one model without listing them all (Ollama `/api/show`, cached):
   * its capabilities and context window. Never throws: a provider that can't tell says `undefined`.
   */
  modelDetails?(model: string, signal: AbortSignal): Promise<ModelDetails | undefined>;
  /** Pull, delete and unload (Ollama); absent for providers whose models are not installed locally. */
  models?: ModelManager;
  /** Vectors from an embedding model (Ollama `/api/embed`, OpenAI `/embeddings`); absent: the API has none here. */
  embed?(request: EmbedRequest, signal: AbortSignal): Promise<Embeddings>;
}

export type ProviderFactory = (config: ProviderConfig) => ChatProvider;
