import { AppError, toAppError } from '../errors.js';
import type {
  ChatProvider,
  ListModelsOptions,
  ModelInfo,
  ProviderFactory,
  ProviderInfo,
} from '../provider.js';
import {
  effectiveDefaultProvider,
  type ProviderConfig,
  type ProviderType,
  providerHost,
  providerName,
  type Settings,
} from '../settings.js';
import { applyModelSettings } from './model-settings.js';

export const PROBE_TIMEOUT_MS = 2_000;

/** A provider added at run time (the demo), never written to the settings file. */
export interface ProviderOverlay {
  config: ProviderConfig;
  makeDefault: boolean;
}

interface Entry {
  provider: ChatProvider;
  demo: boolean;
}

/**
 * The providers in force, built from settings through a factory map `type → adapter` and rebuilt on
 * every reload. Chats in flight keep the adapter they started with.
 */
export class ProviderRegistry {
  private entries = new Map<string, Entry>();
  private overlays: ProviderOverlay[] = [];
  private settings: Settings | null = null;

  constructor(private readonly factories: Record<ProviderType, ProviderFactory>) {}

  rebuild(settings: Settings): void {
    this.settings = settings;
    const entries = new Map<string, Entry>();
    for (const overlay of this.overlays) {
      entries.set(overlay.config.id, {
        provider: applyModelSettings(this.factories[overlay.config.type](overlay.config)),
        demo: true,
      });
    }
    for (const config of settings.providers) {
      if (!entries.has(config.id))
        entries.set(config.id, {
          provider: applyModelSettings(this.factories[config.type](config)),
          demo: false,
        });
    }
    this.entries = entries;
  }

  addOverlay(overlay: ProviderOverlay): void {
    this.overlays.push(overlay);
    if (this.settings) this.rebuild(this.settings);
  }

  defaultId(): string | null {
    const overlay = this.overlays.find((candidate) => candidate.makeDefault);
    if (overlay) return overlay.config.id;
    return this.settings ? effectiveDefaultProvider(this.settings) : null;
  }

  /** The provider to use: the given id, else the default. Throws PROVIDER_NOT_FOUND. */
  resolve(providerId?: string): ChatProvider {
    const id = providerId ?? this.defaultId();
    const entry = id === null ? undefined : this.entries.get(id);
    if (!entry) {
      const known = [...this.entries.keys()];
      throw new AppError(
        'PROVIDER_NOT_FOUND',
        id === null
          ? 'No provider is configured. Add one under `providers:` in settings.yaml.'
          : `There is no provider "${id}". Configured providers: ${known.join(', ') || 'none'}.`,
        { details: { provider_id: id, known_providers: known } },
      );
    }
    return entry.provider;
  }

  isDemo(providerId: string): boolean {
    return this.entries.get(providerId)?.demo ?? false;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Every provider with a live status from a short probe, probed in parallel. */
  async list(signal?: AbortSignal): Promise<ProviderInfo[]> {
    const defaultId = this.defaultId();
    return Promise.all(
      [...this.entries.values()].map(async ({ provider, demo }) => {
        const { status, statusMessage } = await probe(provider, signal);
        const config = provider.config;
        return {
          id: config.id,
          name: providerName(config),
          type: config.type,
          status,
          statusMessage,
          host: providerHost(config),
          defaultModel: config.defaultModel,
          isDefault: config.id === defaultId,
          demo,
        };
      }),
    );
  }
}

async function probe(
  provider: ChatProvider,
  outer?: AbortSignal,
): Promise<Pick<ProviderInfo, 'status' | 'statusMessage'>> {
  try {
    await listModelsWithin(
      provider,
      PROBE_TIMEOUT_MS,
      `${providerName(provider.config)} did not answer within ${PROBE_TIMEOUT_MS / 1000} s at ${providerHost(provider.config)}.`,
      outer,
      // Whether the provider answers, not every model's details.
      { brief: true },
    );
    return { status: 'ok', statusMessage: null };
  } catch (error) {
    const appError = toAppError(error);
    const status =
      appError.code === 'PROVIDER_UNREACHABLE' || appError.code === 'PROVIDER_TIMEOUT'
        ? 'unreachable'
        : appError.code === 'PROVIDER_UNAUTHORIZED'
          ? 'unauthorized'
          : 'error';
    return { status, statusMessage: appError.message };
  }
}

/**
 * A provider's model list within `ms`, else `PROVIDER_TIMEOUT` with `message`. A plain timer rather
 * than AbortSignal.timeout(): it is cleared when the list arrives, and tests can drive it with fake
 * timers. Raced against the signal: an adapter that ignores it cannot hold the caller.
 */
export async function listModelsWithin(
  provider: ChatProvider,
  ms: number,
  message: string,
  outer?: AbortSignal,
  /** `brief` for callers that need only ids (the status probe, the gateway's list). */
  listOptions: ListModelsOptions = {},
): Promise<ModelInfo[]> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), ms);
  const signal = AbortSignal.any([timeout.signal, ...(outer ? [outer] : [])]);
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new AppError('PROVIDER_TIMEOUT', message)), { once: true }),
  );
  timedOut.catch(() => {}); // the outer signal may abort after the list has arrived
  try {
    return await Promise.race([provider.listModels(signal, listOptions), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
