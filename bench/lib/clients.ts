import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { BENCH_ANTHROPIC_KEY, BENCH_GEMINI_KEY, BENCH_MODEL } from '../fakes/messages.js';
import { NdjsonParser } from './ndjson.js';
import { SseParser } from './sse.js';

/** What one streamed chat looked like from the client's side. */
export interface ClientResult {
  text: string;
  /** Frames (events, NDJSON lines, chunks) the client parsed. */
  frames: number;
  /** ms from sending the request to the first answer text. */
  ttftMs: number;
  /** ms from sending the request to the end of the stream. */
  totalMs: number;
  /** REST chats with tools: the `duration_ms` of their tool calls, added up (the tools' own time). */
  toolMs?: number;
}

/** Called with each piece of answer text and the moment (`performance.timeOrigin + now()`) it was parsed. */
export type OnText = (text: string, atMs: number, emitMs?: number) => void;

const wallNow = () => performance.timeOrigin + performance.now();

/** The reference: the official ollama SDK reading the fake Ollama directly. */
export async function directOllama(host: string, prompt: string, onText?: OnText): Promise<ClientResult> {
  const client = new Ollama({ host });
  const started = performance.now();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  const stream = await client.chat({
    model: BENCH_MODEL,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
  });
  for await (const part of stream) {
    frames++;
    const piece = part.message.content;
    if (piece === '') continue;
    if (Number.isNaN(first)) first = performance.now() - started;
    text += piece;
    onText?.(piece, wallNow(), (part as { lc_emit_ms?: number }).lc_emit_ms);
  }
  return { text, frames, ttftMs: first, totalMs: performance.now() - started };
}

/**
 * The reference of row 2 (time to first token): the fake Ollama's `/api/chat` read with the same
 * client as `restChat` (Node's fetch, each frame decoded and its JSON parsed as it comes), so the
 * difference is LightChat's, not one client's against another's. The body is the ollama SDK's.
 */
export async function fetchOllama(host: string, prompt: string): Promise<ClientResult> {
  const started = performance.now();
  const response = await fetch(`${host}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ model: BENCH_MODEL, messages: [{ role: 'user', content: prompt }], stream: true }),
  });
  if (!response.ok || !response.body) {
    throw new Error(`/api/chat answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  const parser = new NdjsonParser();
  const decoder = new TextDecoder();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  let done = false;
  for await (const bytes of response.body) {
    for (const value of parser.push(decoder.decode(bytes, { stream: true }))) {
      frames++;
      const line = value as { message?: { content?: string }; done?: boolean };
      const piece = line.message?.content ?? '';
      if (piece !== '') {
        if (Number.isNaN(first)) first = performance.now() - started;
        text += piece;
      }
      if (line.done) done = true;
    }
  }
  if (!done) throw new Error('/api/chat ended without its done line');
  return { text, frames, ttftMs: first, totalMs: performance.now() - started };
}

/** The reference: the official openai SDK reading the fake OpenAI directly. */
export function directOpenAI(baseURL: string, prompt: string, onText?: OnText): Promise<ClientResult> {
  return openAIChat({ baseURL, apiKey: 'sk-bench-fake-key', model: BENCH_MODEL }, prompt, onText);
}

/** The official openai SDK streaming one chat from any OpenAI-compatible server (a fake, LightChat's `/v1`). */
export async function openAIChat(
  server: { baseURL: string; apiKey: string; model: string },
  prompt: string,
  onText?: OnText,
): Promise<ClientResult> {
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: server.apiKey, maxRetries: 0 });
  const started = performance.now();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  const stream = await client.chat.completions.create({
    model: server.model,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
  });
  for await (const chunk of stream) {
    frames++;
    const piece = chunk.choices[0]?.delta.content;
    if (!piece) continue;
    if (Number.isNaN(first)) first = performance.now() - started;
    text += piece;
    onText?.(piece, wallNow());
  }
  return { text, frames, ttftMs: first, totalMs: performance.now() - started };
}

/** The reference: the official Anthropic SDK reading the fake Anthropic API directly. */
export async function directAnthropic(
  baseURL: string,
  prompt: string,
  onText?: OnText,
): Promise<ClientResult> {
  const client = new Anthropic({ baseURL, apiKey: BENCH_ANTHROPIC_KEY, maxRetries: 0 });
  const started = performance.now();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  const stream = await client.messages.create({
    model: BENCH_MODEL,
    max_tokens: 8192,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
  });
  for await (const event of stream) {
    frames++;
    if (event.type !== 'content_block_delta' || event.delta.type !== 'text_delta') continue;
    const piece = event.delta.text;
    if (Number.isNaN(first)) first = performance.now() - started;
    text += piece;
    onText?.(piece, wallNow());
  }
  return { text, frames, ttftMs: first, totalMs: performance.now() - started };
}

/** The reference: the official Google Gen AI SDK reading the fake Gemini API directly. */
export async function directGemini(baseUrl: string, prompt: string, onText?: OnText): Promise<ClientResult> {
  const client = new GoogleGenAI({
    apiKey: BENCH_GEMINI_KEY,
    vertexai: false,
    httpOptions: { baseUrl, apiVersion: 'v1beta', retryOptions: { attempts: 1 } },
  });
  const started = performance.now();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  const stream = await client.models.generateContentStream({
    model: BENCH_MODEL,
    contents: [{ role: 'user', parts: [{ text: prompt }] }],
  });
  for await (const chunk of stream) {
    frames++;
    // The parts themselves, not the `text` getter (which joins and checks them): the cheaper read.
    for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
      if (!part.text || part.thought) continue;
      if (Number.isNaN(first)) first = performance.now() - started;
      text += part.text;
      onText?.(part.text, wallNow());
    }
  }
  return { text, frames, ttftMs: first, totalMs: performance.now() - started };
}

/** The API token of each LightChat the bench started (by its URL), sent with every request. */
const serverTokens = new Map<string, string>();
export const rememberToken = (serverUrl: string, token: string): void => {
  serverTokens.set(serverUrl, token);
};
export const tokenOf = (serverUrl: string): string | undefined => serverTokens.get(serverUrl);

export interface RestChatBody {
  prompt: string;
  provider_id?: string;
  tools?: 'auto' | 'none';
}

/** `POST /chat` over fetch: every SSE frame is parsed and its JSON decoded, as a real client does. */
export async function restChat(
  serverUrl: string,
  body: RestChatBody,
  onText?: OnText,
): Promise<ClientResult> {
  const started = performance.now();
  const response = await fetch(`${serverUrl}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(serverUrl) ?? ''}` },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) {
    throw new Error(`POST /chat answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  const parser = new SseParser();
  const decoder = new TextDecoder();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  let terminal: string | undefined;
  let toolMs = 0;
  for await (const bytes of response.body) {
    for (const event of parser.push(decoder.decode(bytes, { stream: true }))) {
      frames++;
      const data = JSON.parse(event.data) as { token?: string; message?: string; duration_ms?: number };
      if (event.event === 'tool_result') toolMs += data.duration_ms ?? 0;
      if (event.event === 'message' && typeof data.token === 'string') {
        if (Number.isNaN(first)) first = performance.now() - started;
        text += data.token;
        onText?.(data.token, wallNow());
      } else if (event.event === 'done' || event.event === 'error') {
        terminal = event.event === 'error' ? `error: ${event.data}` : 'done';
      }
    }
  }
  if (terminal !== 'done')
    throw new Error(`POST /chat ended without done (${terminal ?? 'no terminal event'})`);
  return { text, frames, ttftMs: first, totalMs: performance.now() - started, toolMs };
}

/** An NDJSON reader over fetch (used to check the parser against a real stream). */
export async function readNdjson(response: Response): Promise<unknown[]> {
  const parser = new NdjsonParser();
  const decoder = new TextDecoder();
  const values: unknown[] = [];
  if (!response.body) return values;
  for await (const bytes of response.body)
    values.push(...parser.push(decoder.decode(bytes, { stream: true })));
  values.push(...parser.end());
  return values;
}

/** `chat.start` + the `chat.events` subscription through the package's own client (`streamChat`). */
export async function trpcChat(
  serverUrl: string,
  prompt: string,
  providerId: string,
  onText?: OnText,
): Promise<ClientResult> {
  const { createLightChatClient, streamChat } = await import('../../src/client/index.js');
  const client = createLightChatClient({ url: serverUrl, token: tokenOf(serverUrl) });
  const started = performance.now();
  let first = Number.NaN;
  let text = '';
  let frames = 0;
  let terminal: string | undefined;
  for await (const event of streamChat(client, {
    messages: [{ role: 'user', content: prompt }],
    providerId,
  })) {
    frames++;
    if (event.type === 'token') {
      if (Number.isNaN(first)) first = performance.now() - started;
      text += event.text;
      onText?.(event.text, wallNow());
    } else if (event.type === 'done') terminal = 'done';
    else if (event.type === 'error') terminal = `error: ${event.errorCode} ${event.message}`;
  }
  if (terminal !== 'done')
    throw new Error(`chat.events ended without done (${terminal ?? 'no terminal event'})`);
  return { text, frames, ttftMs: first, totalMs: performance.now() - started };
}
