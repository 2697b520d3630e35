import type { FunctionCallingConfigMode, Model, ToolConfig } from '@google/genai';
import { thinkBudget } from '../../domain/chat.js';
import type {
  ModelCapability,
  ModelInfo,
  ProviderChatRequest,
  ProviderMessage,
  ToolChoice,
} from '../../domain/provider.js';
import { MADE_CALL_ID_PREFIX } from './gemini-stream.js';
import { geminiImageParts, type ImageEncoder } from './image-parts.js';

/**
 * What the Gemini adapter sends and what it knows of models: the generateContent request, and
 * each model's capabilities as the model list gives them.
 */

/**
 * Gemini models that think (2.5 and later, the 2.0 "thinking" previews), for when the model list
 * has not been read: thinking asked of another model is sent without it.
 */
const THINKS = /^gemini-(?!1\.|2\.0|exp)|thinking/i;
/** Models that always think: `thinkingBudget: 0` is a 400 for them, so "off" only hides thoughts. */
const ALWAYS_THINKS = /^gemini-(2\.5-pro|3)/i;

export const thinksByName = (model: string): boolean => THINKS.test(model);

/**
 * A listed model as LightChat shows it, or undefined for models that do not chat (embedding and
 * image models do not answer generateContent). The list says `thinking`; every Gemini model also
 * sees images and calls functions (Gemma and the other open models on the API do neither reliably).
 */
export function readGeminiModel(model: Model): { info: ModelInfo; thinks: boolean } | undefined {
  if (!model.name || !model.supportedActions?.includes('generateContent')) return undefined;
  const id = model.name.replace(/^models\//, '');
  const thinks = model.thinking ?? thinksByName(id);
  const capabilities: ModelCapability[] = ['completion'];
  if (/^gemini-/i.test(id)) capabilities.push('vision', 'tools');
  if (model.thinking) capabilities.push('thinking');
  return {
    info: {
      id,
      name: model.displayName || id,
      capabilities,
      ...(model.inputTokenLimit ? { contextLength: model.inputTokenLimit } : {}),
    },
    thinks,
  };
}

/**
 * `options.think` as `thinkingConfig` (CONTRACT section 14): thoughts included with a budget, or
 * off — for a model that thinks; another model is sent nothing.
 */
export function thinkingConfig(
  model: string,
  think: ProviderChatRequest['options']['think'],
  thinks: boolean,
) {
  const budget = thinkBudget(think);
  if (budget === undefined || !thinks) return undefined;
  if (budget > 0) return { includeThoughts: true, thinkingBudget: budget };
  return ALWAYS_THINKS.test(model) ? { includeThoughts: false } : { thinkingBudget: 0 };
}

/** The request: system prompt in `systemInstruction`, assistant turns as `model`, thinking on request. */
export function generateBody(
  request: ProviderChatRequest,
  options: { abortSignal: AbortSignal; encode: ImageEncoder },
  thinks = thinksByName(request.model),
) {
  const { abortSignal, encode } = options;
  const { temperature, maxTokens, think, topP, stop, seed, jsonMode } = request.options;
  const system = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const thinking = thinkingConfig(request.model, think, thinks);
  return {
    model: request.model,
    contents: joinFunctionResponses(
      request.messages
        .filter((message) => message.role !== 'system')
        .map((message) => toContent(message, encode)),
    ),
    config: {
      abortSignal,
      ...(system ? { systemInstruction: system } : {}),
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
      ...(topP === undefined ? {} : { topP }),
      ...(stop === undefined ? {} : { stopSequences: stop }),
      ...(seed === undefined ? {} : { seed }),
      ...(jsonMode ? { responseMimeType: 'application/json' } : {}),
      ...(thinking ? { thinkingConfig: thinking } : {}),
      ...(request.tools?.length
        ? {
            tools: [
              {
                // MCP tools describe their input in JSON Schema, which this field takes as it is.
                functionDeclarations: request.tools.map((tool) => ({
                  name: tool.name,
                  description: tool.description,
                  parametersJsonSchema: tool.parameters,
                })),
              },
            ],
            ...(request.toolChoice === undefined ? {} : { toolConfig: geminiToolConfig(request.toolChoice) }),
          }
        : {}),
    },
  };
}

/** A client's `tool_choice` (the gateway's) as Gemini's `functionCallingConfig`. */
function geminiToolConfig(choice: ToolChoice): ToolConfig {
  // The SDK's enum holds the wire's words; only its type is imported (the SDK loads lazily).
  const mode = (word: 'AUTO' | 'ANY' | 'NONE') => word as FunctionCallingConfigMode;
  if (typeof choice === 'object') {
    return { functionCallingConfig: { mode: mode('ANY'), allowedFunctionNames: [choice.name] } };
  }
  return {
    functionCallingConfig: {
      mode: mode(choice === 'required' ? 'ANY' : choice === 'none' ? 'NONE' : 'AUTO'),
    },
  };
}

type GeminiPart = Record<string, unknown>;
interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/**
 * One message as a Gemini content: assistant turns are `model`, with their function calls (each
 * with the thought signature it came with: the API checks it); a tool's result is a `user` turn's
 * `functionResponse`. An earlier answer's signature goes back on its text part, as the API sent it.
 */
function toContent(message: ProviderMessage, encode: ImageEncoder): GeminiContent {
  const { role, content, thinkingSignature, images, toolCalls } = message;
  if (role === 'tool') {
    return {
      role: 'user',
      parts: [
        {
          functionResponse: {
            ...(apiCallId(message.toolCallId) ? { id: message.toolCallId } : {}),
            name: message.toolName ?? '',
            response: { output: content },
          },
        },
      ],
    };
  }
  const calls = role === 'assistant' ? (toolCalls ?? []) : [];
  const signed = role === 'assistant' && thinkingSignature ? { thoughtSignature: thinkingSignature } : {};
  // An image alone, or calls alone, need no empty text part beside them.
  const text = content === '' && (images?.length || calls.length) ? [] : [{ text: content, ...signed }];
  return {
    role: role === 'assistant' ? 'model' : 'user',
    parts: [
      ...geminiImageParts(images, encode),
      ...text,
      ...calls.map((call) => ({
        functionCall: {
          ...(apiCallId(call.id) ? { id: call.id } : {}),
          name: call.name,
          args: call.arguments,
        },
        ...(call.signature ? { thoughtSignature: call.signature } : {}),
      })),
    ],
  };
}

/** An id the API gave (sent back), not one LightChat made for a call that came without one. */
const apiCallId = (id: string | undefined): id is string =>
  id !== undefined && id !== '' && !id.startsWith(MADE_CALL_ID_PREFIX);

/** The results of one turn's calls go back together, in the one `user` turn that follows it. */
function joinFunctionResponses(contents: GeminiContent[]): GeminiContent[] {
  const joined: GeminiContent[] = [];
  for (const content of contents) {
    const last = joined.at(-1);
    if (isResponses(content) && last && isResponses(last)) last.parts = [...last.parts, ...content.parts];
    else joined.push(content);
  }
  return joined;
}

const isResponses = (content: GeminiContent): boolean =>
  content.role === 'user' &&
  content.parts.length > 0 &&
  content.parts.every((part) => 'functionResponse' in part);
