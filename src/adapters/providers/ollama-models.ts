import type { Ollama } from 'ollama';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { PullStatus } from '../../domain/ports/model-manager.port.js';
import { MODEL_CAPABILITIES, type ModelCapability, type ModelDetails } from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { OllamaHttpFailure, ollamaFetch, readOllamaLines } from './ollama-fetch.js';
import { type FailureContext, malformedChunkError, providerLabel } from './provider-errors.js';

/**
 * What the Ollama adapter knows of installed models, and how it manages them (CONTRACT section 12):
 * `/api/show` capabilities and context length, cached per model and asked again when the model's
 * digest changes (pulled anew); `/api/ps` for what is loaded; `/api/pull`, `/api/delete`, unload.
 */
export interface OllamaModelsDeps {
  config: ProviderConfig;
  host: string;
  proxy: string | undefined;
  /** The adapter's fetch (proxy rules applied). */
  baseFetch: typeof fetch;
  client(signal?: AbortSignal): Promise<Ollama>;
  toError(error: unknown, context: FailureContext): AppError;
  safe(text: string): string;
}

const showSchema = z.looseObject({
  capabilities: z.array(z.string()).nullish(),
  model_info: z.record(z.string(), z.unknown()).nullish(),
});

const psSchema = z.object({ models: z.array(z.looseObject({ name: z.string() })).nullish() });

interface Known {
  digest: string | undefined;
  details: ModelDetails;
}

export class OllamaModels {
  private readonly known = new Map<string, Known>();

  constructor(private readonly deps: OllamaModelsDeps) {}

  /**
   * Capabilities and context length from `/api/show`, asked once per model and again when `digest`
   * (from `/api/tags`) differs from the one it was asked for. A failed answer (an older Ollama, a
   * model not pulled) is `undefined` and asked again next time.
   */
  async details(
    model: string,
    signal: AbortSignal | undefined,
    digest?: string,
  ): Promise<ModelDetails | undefined> {
    const cached = this.known.get(model);
    if (cached && (digest === undefined || cached.digest === undefined || cached.digest === digest)) {
      if (digest !== undefined) cached.digest = digest;
      return cached.details;
    }
    try {
      const answer = showSchema.safeParse(await (await this.deps.client(signal)).show({ model }));
      if (!answer.success) return undefined;
      const details = toDetails(answer.data);
      this.known.set(model, { digest, details });
      return details;
    } catch {
      return undefined;
    }
  }

  /** Names of the models in memory now; `undefined` when Ollama can't say (older versions). */
  async loaded(signal: AbortSignal | undefined): Promise<Set<string> | undefined> {
    try {
      const answer = psSchema.safeParse(await (await this.deps.client(signal)).ps());
      if (!answer.success) return undefined;
      return new Set((answer.data.models ?? []).map((model) => withTag(model.name)));
    } catch {
      return undefined;
    }
  }

  async *pull(model: string, signal: AbortSignal): AsyncGenerator<PullStatus> {
    const context = this.context(model);
    const send = ollamaFetch({ base: this.deps.baseFetch, signal });
    let success = false;
    try {
      const response = await send(`${this.deps.host}/api/pull`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true }),
      });
      if (!response.body) throw new Error('Ollama answered the pull with no body.');
      const lines = readOllamaLines<Partial<PullStatus>>(response.body, (problem) =>
        problem.kind === 'malformed'
          ? malformedChunkError(context, problem.line)
          : pullError(this.deps.config, model, this.deps.safe(problem.message)),
      );
      for await (const batch of lines) {
        for (const line of batch) {
          if (typeof line.status !== 'string') continue;
          if (line.status === 'success') success = true;
          yield {
            status: line.status,
            ...(typeof line.digest === 'string' ? { digest: line.digest } : {}),
            ...(typeof line.total === 'number' ? { total: line.total } : {}),
            ...(typeof line.completed === 'number' ? { completed: line.completed } : {}),
          };
        }
      }
    } catch (error) {
      // Cancelled: the pull just ends (as a stopped chat does).
      if (signal.aborted) return;
      if (error instanceof OllamaHttpFailure && error.status === 400) {
        throw pullError(this.deps.config, model, this.deps.safe(error.message));
      }
      throw this.deps.toError(error, context);
    }
    if (signal.aborted) return;
    if (!success) {
      throw new AppError(
        'PROVIDER_ERROR',
        `${providerLabel(this.deps.config)} stopped the pull of "${model}" before it finished. Pull again: it resumes where it stopped.`,
        { details: { provider_id: this.deps.config.id, model_id: model, reason: 'stream_cut' } },
      );
    }
    this.known.delete(model);
  }

  async delete(model: string, signal?: AbortSignal): Promise<void> {
    try {
      await (await this.deps.client(signal)).delete({ model });
    } catch (error) {
      throw this.managementError(error, model, 'delete');
    }
    this.known.delete(model);
  }

  /** `keep_alive: 0` on an empty generate request: Ollama frees the model's memory at once. */
  async unload(model: string, signal?: AbortSignal): Promise<void> {
    const send = ollamaFetch({ base: this.deps.baseFetch, signal });
    try {
      const response = await send(`${this.deps.host}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, keep_alive: 0 }),
      });
      await response.body?.cancel();
    } catch (error) {
      throw this.managementError(error, model, 'unload');
    }
  }

  private managementError(error: unknown, model: string, action: 'delete' | 'unload'): AppError {
    if (error instanceof OllamaHttpFailure && error.status === 404) {
      return new AppError(
        'MODEL_NOT_FOUND',
        `There is no model "${model}" installed in ${providerLabel(this.deps.config)}, so there is nothing to ${action}. \`lightchat models\` lists the installed ones.`,
        { details: { provider_id: this.deps.config.id, model_id: model } },
      );
    }
    return this.deps.toError(error, this.context(model));
  }

  private context(model: string): FailureContext {
    return { config: this.deps.config, model, proxy: this.deps.proxy };
  }
}

function toDetails(show: z.infer<typeof showSchema>): ModelDetails {
  const capabilities = (show.capabilities ?? []).filter((name): name is ModelCapability =>
    (MODEL_CAPABILITIES as readonly string[]).includes(name),
  );
  // `model_info` is keyed by architecture: `llama.context_length`, `qwen3.context_length`…
  const contextLength = Object.entries(show.model_info ?? {}).find(
    ([key, value]) => key.endsWith('.context_length') && typeof value === 'number' && value > 0,
  )?.[1] as number | undefined;
  return {
    capabilities: show.capabilities ? capabilities : null,
    ...(contextLength === undefined ? {} : { contextLength: Math.floor(contextLength) }),
  };
}

/** Ollama resolves a name without a tag to `:latest`. */
export const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

/**
 * A pull's failure in Ollama's words (an `{"error"}` line of the stream, or a 400), told apart by
 * what a user can do about it: a name that does not exist, a full disk, no network.
 */
export function pullError(config: ProviderConfig, model: string, said: string): AppError {
  const label = providerLabel(config);
  const details = { provider_id: config.id, model_id: model, provider_message: said };
  if (/file does not exist|manifest unknown|not found|invalid model name/i.test(said)) {
    return new AppError(
      'MODEL_NOT_FOUND',
      `${label} found no model "${model}" to pull (${said}). Check the name and tag, e.g. llama3.2 or qwen3:8b.`,
      { details: { ...details, reason: 'unknown_model' } },
    );
  }
  if (/no space left|disk full|not enough (disk )?space|insufficient (disk )?space/i.test(said)) {
    return new AppError(
      'PROVIDER_ERROR',
      `The disk ${label} keeps its models on is full (${said}). Free some space or delete a model you no longer use, then pull again: it resumes where it stopped.`,
      { details: { ...details, reason: 'disk_full' } },
    );
  }
  if (
    /dial tcp|no such host|connection (refused|reset)|i\/o timeout|network is unreachable|tls|EOF|timeout/i.test(
      said,
    )
  ) {
    return new AppError(
      'PROVIDER_ERROR',
      `${label} could not download "${model}" (${said}). Check the internet connection of the machine ${label} runs on, then pull again.`,
      { details: { ...details, reason: 'network' } },
    );
  }
  return new AppError('PROVIDER_ERROR', `${label} could not pull "${model}": ${said}`, {
    details: { ...details, reason: 'pull_failed' },
  });
}
