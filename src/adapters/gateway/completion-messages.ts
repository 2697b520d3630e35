import { z } from 'zod';
import { ATTACHMENT_LIMIT_BYTES } from '../../domain/attachment.js';
import { classifyFile, SNIFF_BYTES, tooLarge } from '../../domain/attachment-type.js';
import { AppError } from '../../domain/errors.js';
import {
  imageFromBytes,
  type ProviderImage,
  type ProviderMessage,
  type ProviderToolCall,
  readToolArguments,
} from '../../domain/provider.js';

/**
 * The messages of a `POST /v1/chat/completions` body as the chat engine's pass-through mode sends
 * them (CONTRACT section 13): system, user (text and image parts), assistant (with `tool_calls`) and
 * `tool` results, verbatim. Ollama names a result by its tool, not by the call: each `tool` message
 * takes the name of the earlier call its `tool_call_id` answers.
 */

/** A bad request in OpenAI's terms: 400 `invalid_request_error`, `param` naming the field. */
export const badRequest = (message: string, param: string | null): AppError =>
  new AppError('VALIDATION_ERROR', message, { details: { param } });

const partSchema = z.looseObject({ type: z.string() });
export const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(partSchema)]).nullish(),
  tool_calls: z.array(z.unknown()).nullish(),
  tool_call_id: z.string().nullish(),
});
type WireMessage = z.infer<typeof messageSchema>;

const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string().nullish() }),
});

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** `data:image/png;base64,…` — the only image URLs the gateway takes. */
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/;

export function readMessages(messages: WireMessage[]): ProviderMessage[] {
  /** Tool names by call id, from the assistant turns read so far. */
  const callNames = new Map<string, string>();
  return messages.map((message, index) => {
    const read = readMessage(message, `messages[${index}]`, callNames);
    for (const call of read.toolCalls ?? []) callNames.set(call.id, call.name);
    return read;
  });
}

function readMessage(message: WireMessage, where: string, callNames: Map<string, string>): ProviderMessage {
  if (!ROLES.has(message.role)) {
    throw badRequest(
      `Invalid ${where}.role: "${message.role.slice(0, 40)}" is not a role. Use system, developer, user, assistant or tool.`,
      `${where}.role`,
    );
  }
  // OpenAI's newer name for the system role (o-series models); every provider here knows `system`.
  const role = message.role === 'developer' ? 'system' : (message.role as ProviderMessage['role']);
  if (role === 'tool') return readToolResult(message, where, callNames);
  const toolCalls = role === 'assistant' ? readToolCalls(message.tool_calls, where) : [];
  const content = message.content;
  if (content === undefined || content === null) {
    if (role === 'assistant') return { role, content: '', ...(toolCalls.length ? { toolCalls } : {}) };
    throw badRequest(
      `Invalid ${where}.content: a ${message.role} message needs content.`,
      `${where}.content`,
    );
  }
  const { text, images } = readContent(content, where, role === 'user');
  return {
    role,
    content: text,
    ...(images.length > 0 ? { images } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}

function readToolCalls(calls: unknown[] | null | undefined, where: string): ProviderToolCall[] {
  return (calls ?? []).map((raw, index) => {
    const param = `${where}.tool_calls[${index}]`;
    const parsed = toolCallSchema.safeParse(raw);
    if (!parsed.success) {
      throw badRequest(
        `Invalid ${param}: a tool call needs an id and a function with a name and arguments (a JSON text), as the model sent it.`,
        param,
      );
    }
    const { id, function: fn } = parsed.data;
    return { id, name: fn.name, ...readToolArguments(fn.arguments ?? '') };
  });
}

function readToolResult(
  message: WireMessage,
  where: string,
  callNames: Map<string, string>,
): ProviderMessage {
  const id = message.tool_call_id;
  if (!id) {
    throw badRequest(
      `Invalid ${where}.tool_call_id: a tool message answers one call; give the id of that call.`,
      `${where}.tool_call_id`,
    );
  }
  const toolName = callNames.get(id);
  if (toolName === undefined) {
    throw badRequest(
      `Invalid ${where}.tool_call_id: "${id.slice(0, 64)}" answers no call of an earlier assistant message. Send the assistant message with its tool_calls before the results.`,
      `${where}.tool_call_id`,
    );
  }
  const content = message.content ?? '';
  const text = typeof content === 'string' ? content : readContent(content, where, false).text;
  return { role: 'tool', content: text, toolCallId: id, toolName };
}

/** Text parts joined in order (as OpenAI reads them); image parts apart, on user messages only. */
function readContent(
  content: string | z.infer<typeof partSchema>[],
  where: string,
  imagesAllowed: boolean,
): { text: string; images: ProviderImage[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  const texts: string[] = [];
  const images: ProviderImage[] = [];
  content.forEach((part, index) => {
    const param = `${where}.content[${index}]`;
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'image_url' && imagesAllowed) images.push(readImage(part.image_url, param));
    else {
      throw badRequest(
        `Invalid ${param}: parts of type "${part.type.slice(0, 40)}" are not supported here; send text parts${imagesAllowed ? ' and image_url parts' : ''}.`,
        param,
      );
    }
  });
  return { text: texts.join(''), images };
}

/**
 * An `image_url` part: a data URL only. LightChat never fetches an `http(s)` URL for a caller: the
 * gateway would then reach any address this machine can (the local network included) on behalf of
 * whoever holds a key. The image must be what its type says, within the attachments' size limit.
 */
function readImage(imageUrl: unknown, param: string): ProviderImage {
  const url =
    typeof imageUrl === 'string'
      ? imageUrl
      : imageUrl instanceof Object && 'url' in imageUrl && typeof imageUrl.url === 'string'
        ? imageUrl.url
        : undefined;
  if (url === undefined) {
    throw badRequest(`Invalid ${param}.image_url: give {"url": "data:image/png;base64,…"}.`, param);
  }
  const header = DATA_URL.exec(url.slice(0, 200));
  if (!header) {
    throw badRequest(
      `Invalid ${param}.image_url.url: LightChat takes images as data URLs (data:image/png;base64,…) and does not fetch ${/^https?:/i.test(url) ? 'http(s) URLs' : 'other URLs'}, so that a gateway key cannot make it reach other addresses. Download the image and send its bytes as a data URL.`,
      param,
    );
  }
  if (!header[2]?.split(';').includes('base64')) {
    throw badRequest(
      `Invalid ${param}.image_url.url: the data URL must be base64 (data:<type>;base64,…).`,
      param,
    );
  }
  const base64 = url.slice(header[0].length);
  const limit = ATTACHMENT_LIMIT_BYTES.image;
  // Refused before decoding: 3 bytes per 4 characters.
  if (Math.floor((base64.length * 3) / 4) > limit + 3) {
    throw tooLarge(param, 'image', Math.floor((base64.length * 3) / 4));
  }
  const data: Uint8Array = Buffer.from(base64, 'base64');
  if (data.byteLength > limit) throw tooLarge(param, 'image', data.byteLength);
  const type = classifyFile({
    name: param,
    declaredType: header[1] ?? null,
    head: data.subarray(0, SNIFF_BYTES),
  });
  if (type.kind !== 'image') {
    throw new AppError(
      'ATTACHMENT_UNSUPPORTED',
      `"${param}" is not an image LightChat can send: it takes PNG, JPEG, WebP and GIF.`,
      { details: { name: param, reason: 'not_an_image' } },
    );
  }
  return imageFromBytes(param, type.mimeType, data);
}
