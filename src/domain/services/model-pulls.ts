import { AsyncQueue } from '../../shared/async-queue.js';
import { AppError, toAppError } from '../errors.js';
import type { ModelManager } from '../ports/model-manager.port.js';
import type { ChatProvider } from '../provider.js';
import { providerName } from '../settings.js';
import type { ProviderRegistry } from './provider-registry.js';
import { PullProgress, type PullProgressEvent } from './pull-progress.js';

/** What a pull reports, REST and tRPC alike: progress, then exactly one `done`, `error` or `cancelled`. */
export type PullEvent =
  | PullProgressEvent
  | { type: 'done'; model: string }
  | { type: 'error'; errorCode: AppError['code']; message: string; details: Record<string, unknown> }
  /** tRPC only: `models.cancelPull` stopped it (a REST client that leaves hears nothing more). */
  | { type: 'cancelled'; model: string };

/** An ended pull is kept this long for a subscriber that comes late (a fast pull of a model already there). */
export const ENDED_PULL_KEPT_MS = 60_000;

/** The model manager of a provider, or a clear error for one that has none (a hosted API). */
export function modelManagerOf(provider: ChatProvider): ModelManager {
  if (provider.models) return provider.models;
  throw new AppError(
    'VALIDATION_ERROR',
    `${providerName(provider.config)} (${provider.config.type}) cannot pull, delete or unload models: only Ollama providers can.`,
    { details: { provider_id: provider.config.id, provider_type: provider.config.type } },
  );
}

/** A model name as Ollama takes it: non-empty, no spaces (names hold `/`, `:` and `.`). */
export function checkModelName(model: unknown): string {
  if (typeof model === 'string' && /^[^\s]{1,300}$/.test(model.trim())) return model.trim();
  throw new AppError('VALIDATION_ERROR', 'Give the model to pull as "model", e.g. {"model": "llama3.2"}.', {
    details: { issues: [{ path: ['model'], message: 'must be a model name such as llama3.2 or qwen3:8b' }] },
  });
}

/**
 * One pull as events: progress changes only (Ollama repeats itself many times a second), then
 * `done` or `error`. Aborting `signal` cancels the download and ends the events with nothing more.
 */
export async function* pullEvents(
  manager: ModelManager,
  model: string,
  signal: AbortSignal,
): AsyncGenerator<PullEvent> {
  const progress = new PullProgress();
  let last = '';
  try {
    for await (const status of manager.pull(model, signal)) {
      const event = progress.update(status);
      const key = `${event.status} ${event.percent} ${event.totalBytes}`;
      if (key === last) continue;
      last = key;
      yield event;
    }
    if (signal.aborted) return;
    yield { type: 'done', model };
  } catch (error) {
    if (signal.aborted) return;
    const appError = toAppError(error);
    yield { type: 'error', errorCode: appError.code, message: appError.message, details: appError.details };
  }
}

interface Pull {
  model: string;
  stop: AbortController;
  /** The newest progress, then the end: what a subscriber needs to catch up. */
  latest: PullProgressEvent | null;
  end: PullEvent | null;
  subscribers: Set<AsyncQueue<PullEvent>>;
}

/**
 * Pulls started over tRPC (`models.pull` + `models.pullEvents` + `models.cancelPull`): a mutation
 * starts one under a random id, a subscription follows it (any number, from any window), and only
 * `cancelPull` stops it — a download is not lost because a dialog closed.
 */
export class ModelPulls {
  private readonly pulls = new Map<string, Pull>();

  constructor(private readonly providers: ProviderRegistry) {}

  start(input: { providerId: string; model: string }): { pullId: string } {
    const manager = modelManagerOf(this.providers.resolve(input.providerId));
    const model = checkModelName(input.model);
    const pullId = crypto.randomUUID();
    const pull: Pull = {
      model,
      stop: new AbortController(),
      latest: null,
      end: null,
      subscribers: new Set(),
    };
    this.pulls.set(pullId, pull);
    void this.run(pullId, pull, manager);
    return { pullId };
  }

  /** The pull's events from now on, after the newest progress and (if it has ended) its end. */
  events(pullId: string, signal: AbortSignal): AsyncIterable<PullEvent> {
    const pull = this.find(pullId);
    const queue = new AsyncQueue<PullEvent>({ signal });
    if (pull.latest) queue.push(pull.latest);
    if (pull.end) {
      queue.push(pull.end);
      queue.end();
      return queue;
    }
    pull.subscribers.add(queue);
    queue.onClose(() => pull.subscribers.delete(queue));
    return queue;
  }

  cancel(pullId: string): { cancelled: boolean } {
    const pull = this.find(pullId);
    if (pull.end) return { cancelled: false };
    pull.stop.abort();
    return { cancelled: true };
  }

  /** Stops every pull (the core shuts down). */
  close(): void {
    for (const pull of this.pulls.values()) pull.stop.abort();
  }

  private async run(pullId: string, pull: Pull, manager: ModelManager): Promise<void> {
    for await (const event of pullEvents(manager, pull.model, pull.stop.signal)) {
      if (event.type === 'progress') pull.latest = event;
      else pull.end = event;
      for (const queue of pull.subscribers) queue.push(event);
    }
    pull.end ??= { type: 'cancelled', model: pull.model };
    for (const queue of pull.subscribers) {
      if (pull.end.type === 'cancelled') queue.push(pull.end);
      queue.end();
    }
    const timer = setTimeout(() => this.pulls.delete(pullId), ENDED_PULL_KEPT_MS);
    (timer as { unref?: () => void }).unref?.();
  }

  private find(pullId: string): Pull {
    const pull = this.pulls.get(pullId);
    if (pull) return pull;
    throw new AppError(
      'NOT_FOUND',
      `There is no pull "${pullId}" (it may have ended more than a minute ago).`,
      {
        details: { pull_id: pullId },
      },
    );
  }
}
