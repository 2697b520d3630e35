import { AppError, toAppError } from '../../domain/errors.js';
import type { ChatProvider } from '../../domain/provider.js';
import { listModelsWithin, type ProviderRegistry } from '../../domain/services/provider-registry.js';
import { providerName } from '../../domain/settings.js';

/** CONTRACT section 13: `/v1/models` answers within 3 s even when a provider hangs. */
export const MODEL_LIST_TIMEOUT_MS = 3_000;
/** How many ids an error message names before "…" (the full list is in `GET /v1/models`). */
const NAMED_IN_ERRORS = 40;

export interface GatewayModel {
  /** `<provider_id>/<model>` */
  id: string;
  providerId: string;
  model: string;
  /** Unix seconds (the model's modification time when the provider says it, else 0). */
  created: number;
}

/** A provider left out of the list, and why (for the call's log entry). */
export interface ProviderLeftOut {
  providerId: string;
  errorCode: string;
  message: string;
}

export interface GatewayModelList {
  models: GatewayModel[];
  leftOut: ProviderLeftOut[];
}

/** Every provider's models, asked in parallel; one that fails or takes longer than 3 s is left out. */
export async function listGatewayModels(
  providers: ProviderRegistry,
  signal?: AbortSignal,
  only?: string,
): Promise<GatewayModelList> {
  const ids = only === undefined ? providers.ids() : [only];
  const answers = await Promise.all(
    ids.map(async (providerId) => {
      const provider = providers.resolve(providerId);
      try {
        return { providerId, models: await modelsOf(provider, signal) };
      } catch (error) {
        const appError = toAppError(error);
        return { providerId, error: { providerId, errorCode: appError.code, message: appError.message } };
      }
    }),
  );
  return {
    models: answers.flatMap((answer) => answer.models ?? []),
    leftOut: answers.flatMap((answer) => (answer.error ? [answer.error] : [])),
  };
}

async function modelsOf(provider: ChatProvider, outer?: AbortSignal): Promise<GatewayModel[]> {
  const models = await listModelsWithin(
    provider,
    MODEL_LIST_TIMEOUT_MS,
    `${providerName(provider.config)} did not list its models within ${MODEL_LIST_TIMEOUT_MS / 1000} s.`,
    outer,
    { brief: true }, // ids only
  );
  const providerId = provider.config.id;
  return models.map((model) => ({
    id: `${providerId}/${model.id}`,
    providerId,
    model: model.id,
    created: model.modifiedAt ? Math.floor(Date.parse(model.modifiedAt) / 1000) || 0 : 0,
  }));
}

/** What a gateway model id names: a provider and that provider's model id. */
export interface ModelTarget {
  providerId: string;
  model: string;
}

/**
 * `<provider_id>/<model>` names its provider directly (the model may hold slashes itself, as
 * OpenRouter's do). Anything else is a bare model id, resolved when exactly one provider lists it,
 * else MODEL_NOT_FOUND naming the candidates or the available ids.
 */
export async function resolveModel(
  requested: string,
  providers: ProviderRegistry,
  signal?: AbortSignal,
): Promise<ModelTarget> {
  const slash = requested.indexOf('/');
  const prefix = slash > 0 ? requested.slice(0, slash) : undefined;
  if (prefix !== undefined && providers.ids().includes(prefix)) {
    const model = requested.slice(slash + 1);
    if (model !== '') return { providerId: prefix, model };
  }
  const { models } = await listGatewayModels(providers, signal);
  const matches = models.filter((candidate) => sameModel(candidate.model, requested));
  const [only] = matches;
  if (only && matches.length === 1) return { providerId: only.providerId, model: only.model };
  if (matches.length > 1) {
    const ids = matches.map((match) => match.id);
    throw new AppError(
      'MODEL_NOT_FOUND',
      `The model \`${requested}\` is offered by several providers: ${ids.join(', ')}. Use one of these ids.`,
      { details: { param: 'model', candidates: ids } },
    );
  }
  throw modelNotFound(requested, models);
}

/**
 * A provider's own "no such model" (its model list is asked only now, when it is needed), reworded
 * with the ids it does have.
 */
export async function explainMissingModel(
  error: AppError,
  requested: string,
  target: ModelTarget,
  providers: ProviderRegistry,
): Promise<AppError> {
  if (error.code !== 'MODEL_NOT_FOUND') return error;
  const { models } = await listGatewayModels(providers, undefined, target.providerId);
  return modelNotFound(requested, models, `provider "${target.providerId}"`);
}

function modelNotFound(
  requested: string,
  models: GatewayModel[],
  where = 'any LightChat provider',
): AppError {
  const ids = models.map((model) => model.id);
  const named = ids.slice(0, NAMED_IN_ERRORS).join(', ') + (ids.length > NAMED_IN_ERRORS ? ', …' : '');
  return new AppError(
    'MODEL_NOT_FOUND',
    `The model \`${requested.slice(0, 200)}\` does not exist in ${where}. ${
      ids.length > 0 ? `Available models: ${named}.` : 'No provider lists any model right now.'
    } GET /v1/models lists them.`,
    { details: { param: 'model', available: ids } },
  );
}

/** Ollama names `llama3.2` and `llama3.2:latest` the same model. */
function sameModel(listed: string, requested: string): boolean {
  return listed === requested || (!requested.includes(':') && listed === `${requested}:latest`);
}
