import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord } from './chat-behaviour.js';
import { type Exchange, sendJson } from './fake-http-server.js';

/**
 * The model shelf of the fake Ollama (CONTRACT section 12): what is installed, what is loaded, and
 * the management routes in Ollama's real wire format — `/api/pull` (NDJSON progress over several
 * layers), `/api/delete`, `/api/ps`, and unloading by `keep_alive: 0`.
 */

/** A model the fake lists, answers for, and can pull. */
export interface FakeOllamaModel {
  /** As listed by `/api/tags`; `x` and `x:latest` name the same model. */
  name: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  /** Lists `thinking` in `/api/show` capabilities and accepts `think: true`. */
  thinking?: boolean;
  /** Lists `tools` in `/api/show` capabilities and accepts `tools` (others answer 400, as Ollama does). */
  tools?: boolean;
  sizeBytes?: number;
  /** `/api/show` capabilities as given (wins over `thinking`); default `completion` (+ `thinking`). */
  capabilities?: string[];
  /** `model_info["<family>.context_length"]` in `/api/show`; absent: not given. */
  contextLength?: number;
  /** In memory from the start (`/api/ps`); a model also becomes loaded when it answers a chat. */
  loaded?: boolean;
}

/** A model that `/api/pull` can fetch, and how its pull goes. */
export interface FakePullableModel extends FakeOllamaModel {
  /** The pull fails part way with Ollama's words for a full disk, or for a registry it can't reach. */
  pullFailure?: 'disk_full' | 'network';
  /** The download holds after its first progress until the client leaves (to cancel it part way). */
  pullStalls?: boolean;
}

export interface FakePullOptions {
  /** Models `/api/pull` can fetch (a name not here is "file does not exist"). */
  library?: (string | FakePullableModel)[];
  /** Progress updates per layer (default 4). */
  pullSteps?: number;
  /** Pause between updates (default 0: as fast as the socket takes them). */
  pullStepMs?: number;
  /** Told how each pull ended: `cancelled` when the client left before `success`. */
  onPullEnd?: (model: string, outcome: 'completed' | 'failed' | 'cancelled') => void;
}

/** What the demo can pull: a few well-known names, each a different kind of model. */
export const DEMO_LIBRARY: FakePullableModel[] = [
  {
    name: 'llama3.2',
    family: 'llama',
    parameterSize: '3.2B',
    contextLength: 131_072,
    sizeBytes: 2_019_393_189,
  },
  {
    name: 'qwen3:8b',
    family: 'qwen3',
    parameterSize: '8.2B',
    thinking: true,
    contextLength: 40_960,
    sizeBytes: 5_225_387_923,
  },
  {
    name: 'llava',
    family: 'llama',
    parameterSize: '7B',
    capabilities: ['completion', 'vision'],
    contextLength: 32_768,
    sizeBytes: 4_733_363_377,
  },
  {
    name: 'nomic-embed-text',
    family: 'nomic-bert',
    parameterSize: '137M',
    capabilities: ['embedding'],
    contextLength: 2048,
    sizeBytes: 274_302_450,
  },
];

/** What a pull sends for a model with no library entry: Ollama's own message. */
const UNKNOWN_MODEL = 'pull model manifest: file does not exist';
const NETWORK_FAILURE = (name: string) =>
  `pull model manifest: Get "https://registry.example/v2/library/${name}/manifests/latest": dial tcp: lookup registry.example: no such host`;
const DISK_FULL = (digest: string) =>
  `write /root/.ollama/models/blobs/sha256-${digest}-partial-0: no space left on device`;

/** Ollama resolves a name without a tag to `:latest`. */
export const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

export const digestOf = (text: string): string => createHash('sha256').update(text).digest('hex');

export class FakeModelShelf {
  readonly installed: FakeOllamaModel[];
  private readonly loaded = new Set<string>();
  private readonly library: FakePullableModel[];

  constructor(
    installed: FakeOllamaModel[],
    private readonly options: FakePullOptions = {},
  ) {
    this.installed = installed;
    for (const model of installed) if (model.loaded) this.loaded.add(withTag(model.name));
    this.library = (options.library ?? []).map((model) =>
      typeof model === 'string' ? { name: model } : model,
    );
  }

  find(name: string): FakeOllamaModel | undefined {
    return this.installed.find((model) => withTag(model.name) === withTag(name));
  }

  /** A model that answered a chat stays in memory (until unloaded). */
  markLoaded(name: string): void {
    this.loaded.add(withTag(name));
  }

  capabilities(model: FakeOllamaModel): string[] {
    return (
      model.capabilities ?? [
        'completion',
        ...(model.thinking ? ['thinking'] : []),
        ...(model.tools ? ['tools'] : []),
      ]
    );
  }

  modelInfo(model: FakeOllamaModel): Record<string, unknown> {
    if (model.contextLength === undefined) return {};
    const family = model.family ?? 'llama';
    return { 'general.architecture': family, [`${family}.context_length`]: model.contextLength };
  }

  /** Answers the management routes; false for any other request. */
  async handle(
    exchange: Exchange,
    describe: (model: FakeOllamaModel) => Record<string, unknown>,
  ): Promise<boolean> {
    const route = `${exchange.method} ${exchange.path}`;
    if (route === 'GET /api/ps') {
      const models = this.installed.filter((model) => this.loaded.has(withTag(model.name)));
      sendJson(exchange.res, 200, {
        models: models.map((model) => ({
          ...describe(model),
          expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
          size_vram: model.sizeBytes ?? 1_321_098_329,
          ...(model.contextLength === undefined
            ? {}
            : { context_length: Math.min(model.contextLength, 4096) }),
        })),
      });
      return true;
    }
    if (route === 'DELETE /api/delete') return this.remove(exchange);
    if (route === 'POST /api/pull') {
      await this.pull(exchange);
      return true;
    }
    if (route === 'POST /api/generate' && isRecord(exchange.body) && exchange.body.keep_alive === 0) {
      return this.unload(exchange);
    }
    return false;
  }

  private remove({ res, body }: Exchange): boolean {
    const name = modelName(body);
    const index = this.installed.findIndex((model) => withTag(model.name) === withTag(name));
    if (index === -1) {
      sendJson(res, 404, { error: `model '${name}' not found` });
      return true;
    }
    this.installed.splice(index, 1);
    this.loaded.delete(withTag(name));
    res.writeHead(200).end();
    return true;
  }

  private unload({ res, body }: Exchange): boolean {
    const name = modelName(body);
    if (!this.find(name)) {
      sendJson(res, 404, { error: `model '${name}' not found` });
      return true;
    }
    this.loaded.delete(withTag(name));
    sendJson(res, 200, {
      model: name,
      created_at: new Date().toISOString(),
      response: '',
      done: true,
      done_reason: 'unload',
    });
    return true;
  }

  /**
   * Ollama's pull: `pulling manifest`, then progress per layer — the big weights layer first, the
   * small ones announced only once it is under way (so the total grows) — then `verifying sha256
   * digest`, `writing manifest`, `success`. Failures arrive as an `{"error"}` line on a 200 stream.
   */
  private async pull(exchange: Exchange): Promise<void> {
    const name = modelName(exchange.body);
    if (name === '') return sendJson(exchange.res, 400, { error: 'invalid model name' });
    const outcome = await this.pullStream(exchange, name);
    this.options.onPullEnd?.(name, outcome);
  }

  private async pullStream({ res }: Exchange, name: string): Promise<'completed' | 'failed' | 'cancelled'> {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let gone = false;
    const left = new Promise<void>((resolve) =>
      res.on('close', () => {
        gone = true;
        resolve();
      }),
    );
    const fail = (error: string) => {
      res.end(`${JSON.stringify({ error })}\n`);
      return 'failed' as const;
    };
    const send = async (line: Record<string, unknown>) => {
      if (gone) return false;
      res.write(`${JSON.stringify(line)}\n`);
      if (this.options.pullStepMs) await sleep(this.options.pullStepMs);
      return !gone;
    };
    if (!(await send({ status: 'pulling manifest' }))) return 'cancelled';
    const wanted = this.library.find((model) => withTag(model.name) === withTag(name));
    if (!wanted) return fail(UNKNOWN_MODEL);
    if (wanted.pullFailure === 'network') return fail(NETWORK_FAILURE(name));
    const size = wanted.sizeBytes ?? 1_321_098_329;
    const layers = [
      { digest: digestOf(`${name} weights`), total: size - 12_000 },
      { digest: digestOf(`${name} template`), total: 7_000 },
      { digest: digestOf(`${name} params`), total: 5_000 },
    ];
    const steps = this.options.pullSteps ?? 4;
    const status = (layer: { digest: string; total: number }, completed: number) => ({
      status: `pulling ${layer.digest.slice(0, 12)}`,
      digest: `sha256:${layer.digest}`,
      total: layer.total,
      ...(completed > 0 ? { completed } : {}),
    });
    const [weights, ...small] = layers as [(typeof layers)[0], ...typeof layers];
    for (let step = 0; step <= steps; step++) {
      const completed = Math.floor((weights.total * step) / steps);
      if (!(await send(status(weights, completed)))) return 'cancelled';
      if (step === 1) {
        for (const layer of small) if (!(await send(status(layer, 0)))) return 'cancelled';
        if (wanted.pullFailure === 'disk_full') return fail(DISK_FULL(weights.digest));
        if (wanted.pullStalls) {
          await left;
          return 'cancelled';
        }
      }
      if (step === steps - 1) {
        for (const layer of small) if (!(await send(status(layer, layer.total)))) return 'cancelled';
      }
    }
    for (const line of ['verifying sha256 digest', 'writing manifest']) {
      if (!(await send({ status: line }))) return 'cancelled';
    }
    if (!this.find(name)) {
      const { pullFailure: _, pullStalls: _stalls, ...model } = wanted;
      this.installed.push(model);
    }
    res.end(`${JSON.stringify({ status: 'success' })}\n`);
    return 'completed';
  }
}

/** Ollama takes the model as `model` or, from older clients (ollama-js), `name`. */
function modelName(body: unknown): string {
  if (!isRecord(body)) return '';
  const name = body.model ?? body.name;
  return typeof name === 'string' ? name.trim() : '';
}
