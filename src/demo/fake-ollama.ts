import {
  answerTokens,
  type BehaviourSource,
  type ChatBehaviour,
  type ChatRequestInfo,
  chooseBehaviour,
  countPromptTokens,
  emitTimeMs,
  type FakeToolCall,
  isRecord,
  readMessages,
  thinkingTokens,
} from './chat-behaviour.js';
import { demoBehaviour } from './demo-answer.js';
import { countEmbeddingTokens, fakeEmbedding, readEmbeddingInput } from './fake-embedding.js';
import {
  type Exchange,
  type FakeProviderServer,
  sendJson,
  sendText,
  startFakeHttpServer,
} from './fake-http-server.js';
import {
  digestOf,
  FakeModelShelf,
  type FakeOllamaModel,
  type FakePullOptions,
} from './fake-ollama-models.js';
import { type StreamInterrupt, writeStream } from './stream-writer.js';

export type { FakeOllamaModel, FakePullableModel } from './fake-ollama-models.js';

/** Changes to one chat's stream, decided before it starts (used by the test fakes for faults). */
export interface ChatStreamOverride {
  delayFirstMs?: number;
  interrupt?: StreamInterrupt;
}

/**
 * Called for every chat request before it is answered: answer it yourself and return `'answered'`,
 * return changes to its stream, or nothing.
 */
export type BeforeChat = (
  chat: ChatRequestInfo,
  exchange: Exchange,
) => 'answered' | ChatStreamOverride | undefined | Promise<'answered' | ChatStreamOverride | undefined>;

export interface FakeOllamaOptions extends FakePullOptions {
  /** Models listed after `demo` (a bare string is a model with default details). */
  models?: (string | FakeOllamaModel)[];
  /** List the `demo` model first (default true). */
  includeDemoModel?: boolean;
  /** How the model answers (default: the demo answer about LightChat). */
  behaviour?: BehaviourSource;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Runs for every request before routing; return true when it answered the request. */
  beforeRequest?: (exchange: Exchange) => boolean | Promise<boolean>;
  beforeChat?: BeforeChat;
}

export const DEMO_MODEL: FakeOllamaModel = {
  name: 'demo',
  family: 'demo',
  parameterSize: '1B',
  quantization: 'Q4_0',
  thinking: true,
  contextLength: 8192,
};

const MODIFIED_AT = '2025-09-01T12:00:00.000000000Z';

/** A small Ollama server speaking the real wire format, on 127.0.0.1 and a free port. */
export function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeProviderServer> {
  const models = [
    ...(options.includeDemoModel === false ? [] : [DEMO_MODEL]),
    ...(options.models ?? []).map((model) => (typeof model === 'string' ? { name: model } : model)),
  ];
  const behaviour = options.behaviour ?? demoBehaviour;
  let chatCount = 0;
  // Installed models change as they are pulled and deleted.
  const shelf = new FakeModelShelf(models, options);
  const findModel = (name: string): FakeOllamaModel | undefined => shelf.find(name);

  return startFakeHttpServer({
    port: options.port,
    async handle(exchange) {
      if (options.beforeRequest && (await options.beforeRequest(exchange))) return;
      const { method, path, res } = exchange;
      const route = `${method} ${path}`;
      if (route === 'GET /' || route === 'HEAD /') return sendText(res, 200, 'Ollama is running');
      if (route === 'GET /api/version') return sendJson(res, 200, { version: '0.12.0' });
      if (route === 'GET /api/tags')
        return sendJson(res, 200, { models: shelf.installed.map(describeModel) });
      if (route === 'POST /api/show') return show(exchange);
      if (route === 'POST /api/chat') return chat(exchange);
      if (route === 'POST /api/embed') return embed(exchange);
      if (await shelf.handle(exchange, describeModel)) return;
      return sendText(res, 404, '404 page not found');
    },
  });

  function show({ res, body }: Exchange): void {
    const name = isRecord(body) ? String(body.model ?? body.name ?? '') : '';
    const model = findModel(name);
    if (!model) {
      sendJson(res, 404, { error: modelNotFound(name) });
      return;
    }
    sendJson(res, 200, {
      license: '',
      modelfile: '',
      parameters: '',
      template: '{{ .Prompt }}',
      details: details(model),
      model_info: shelf.modelInfo(model),
      capabilities: shelf.capabilities(model),
      modified_at: MODIFIED_AT,
    });
  }

  /** `/api/embed`: `input` is one text or several; one vector each, as Ollama answers. */
  function embed({ res, body }: Exchange) {
    if (!isRecord(body)) return sendJson(res, 400, { error: 'invalid request body' });
    const name = typeof body.model === 'string' ? body.model : '';
    if (!findModel(name)) return sendJson(res, 404, { error: modelNotFound(name) });
    const input = readEmbeddingInput(body.input);
    if (!input) return sendJson(res, 400, { error: 'invalid input type' });
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
    sendJson(res, 200, {
      model: name,
      embeddings: input.map((text) => fakeEmbedding(text, dimensions)),
      total_duration: 1_000_000,
      load_duration: 100_000,
      prompt_eval_count: countEmbeddingTokens(input),
    });
  }

  async function chat(exchange: Exchange): Promise<void> {
    const { res, body } = exchange;
    if (!isRecord(body)) return sendJson(res, 400, { error: 'invalid request body' });
    exchange.beginChat();
    const request: ChatRequestInfo = {
      model: typeof body.model === 'string' ? body.model : '',
      messages: readMessages(body.messages),
      body,
      index: chatCount++,
    };
    const override = await options.beforeChat?.(request, exchange);
    if (override === 'answered') return;
    if (request.model === '') return sendJson(res, 400, { error: 'model is required' });
    const model = findModel(request.model);
    if (!model) return sendJson(res, 404, { error: modelNotFound(request.model) });
    const think = body.think !== undefined && body.think !== false;
    if (think && !model.thinking) {
      return sendJson(res, 400, { error: `"${request.model}" does not support thinking` });
    }
    shelf.markLoaded(request.model);
    if (Array.isArray(body.tools) && body.tools.length > 0 && !shelf.capabilities(model).includes('tools')) {
      return sendJson(res, 400, {
        error: `registry.ollama.ai/library/${request.model} does not support tools`,
      });
    }
    const chosen = chooseBehaviour(behaviour, request);
    await answer(exchange, { request, behaviour: chosen, think, override });
  }
}

interface Answer {
  request: ChatRequestInfo;
  behaviour: ChatBehaviour;
  think: boolean;
  override: ChatStreamOverride | undefined;
}

async function answer(exchange: Exchange, { request, behaviour, think, override }: Answer): Promise<void> {
  const { res } = exchange;
  const startedAt = process.hrtime.bigint();
  const thinking = think ? thinkingTokens(behaviour) : [];
  const limit = numPredict(request.body);
  const allContent = answerTokens(behaviour);
  const content = limit === undefined ? allContent : allContent.slice(0, limit);
  const doneReason = content.length < allContent.length ? 'length' : 'stop';
  const tokenCount = thinking.length + content.length;
  const stamp = behaviour.stampEmitTime === true;
  const createdAt = () => new Date().toISOString();

  const summary = () => {
    const total = Number(process.hrtime.bigint() - startedAt);
    return {
      done: true,
      done_reason: doneReason,
      total_duration: total,
      load_duration: Math.min(total, 1_000_000),
      prompt_eval_count: countPromptTokens(request.messages),
      prompt_eval_duration: Math.min(total, 2_000_000),
      eval_count: tokenCount,
      eval_duration: Math.max(0, total - 3_000_000),
    };
  };

  const line = (value: Record<string, unknown>) =>
    `${JSON.stringify(stamp ? { ...value, lc_emit_ms: emitTimeMs() } : value)}\n`;

  if (request.body.stream === false) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    const generating = behaviour.tokensPerSecond ? (tokenCount * 1000) / behaviour.tokensPerSecond : 0;
    await writeStream(res, {
      count: 0,
      render: () => '',
      finish: () =>
        JSON.stringify({
          model: request.model,
          created_at: createdAt(),
          message: {
            role: 'assistant',
            content: content.join(''),
            ...(thinking.length > 0 ? { thinking: thinking.join('') } : {}),
          },
          ...summary(),
        }),
      delayFirstMs: (override?.delayFirstMs ?? behaviour.delayFirstMs ?? 0) + generating,
      interrupt: override?.interrupt && { ...override.interrupt, afterTokens: 0 },
      onCut: exchange.markFailed,
    });
    return;
  }

  const parts: { thinking: boolean; text: string; calls?: FakeToolCall[] }[] = [
    ...thinking.map((text) => ({ thinking: true, text })),
    ...content.map((text) => ({ thinking: false, text })),
    // Ollama sends a turn's calls whole, in one line, with no ids.
    ...(behaviour.toolCalls?.length ? [{ thinking: false, text: '', calls: behaviour.toolCalls }] : []),
  ];
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  await writeStream(res, {
    count: parts.length,
    render(index) {
      const part = parts[index]!;
      const message = part.calls
        ? {
            role: 'assistant',
            content: '',
            tool_calls: part.calls.map((call) => ({
              function: { name: call.name, arguments: call.arguments },
            })),
          }
        : part.thinking
          ? { role: 'assistant', content: '', thinking: part.text }
          : { role: 'assistant', content: part.text };
      return line({ model: request.model, created_at: createdAt(), message, done: false });
    },
    finish() {
      return line({
        model: request.model,
        created_at: createdAt(),
        message: { role: 'assistant', content: '' },
        ...summary(),
      });
    },
    tokensPerSecond: behaviour.tokensPerSecond,
    delayFirstMs: override?.delayFirstMs ?? behaviour.delayFirstMs,
    interrupt: override?.interrupt,
    onCut: exchange.markFailed,
  });
}

function describeModel(model: FakeOllamaModel) {
  return {
    name: model.name,
    model: model.name,
    modified_at: MODIFIED_AT,
    size: model.sizeBytes ?? 1_321_098_329,
    digest: digestOf(model.name),
    details: details(model),
  };
}

function details(model: FakeOllamaModel) {
  const family = model.family ?? 'llama';
  return {
    parent_model: '',
    format: 'gguf',
    family,
    families: [family],
    parameter_size: model.parameterSize ?? '3.2B',
    quantization_level: model.quantization ?? 'Q4_K_M',
  };
}

function modelNotFound(name: string): string {
  return `model "${name}" not found, try pulling it first`;
}

/** `options.num_predict` caps the answer's tokens (a negative value means no cap, as in Ollama). */
function numPredict(body: Record<string, unknown>): number | undefined {
  const value = isRecord(body.options) ? body.options.num_predict : undefined;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
