import { AppError } from '../../domain/errors.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { DEFAULT_HOSTS, DEFAULT_KEY_ENVS, providerHost } from '../../domain/settings.js';
import { maskUrl } from './secrets.js';

/**
 * The one place where a provider's HTTP status, error body or network failure becomes an
 * `AppError` with a message a user can act on and the `failure` kind the retry policy reads.
 */

/** A non-2xx answer, as both SDKs' errors boil down to it. */
export interface HttpFailure {
  status: number;
  /** The provider's own words, already free of secrets. */
  message: string;
  /** OpenAI-style `error.code` / `error.type` (e.g. `insufficient_quota`, `context_length_exceeded`). */
  code?: string | undefined;
  retryAfterS?: number | undefined;
}

/** What the request was about, for the wording. */
export interface FailureContext {
  config: ProviderConfig;
  /** The model of a chat request; absent for model lists and probes. */
  model?: string | undefined;
  /** The proxy the request went through, if any (printed masked). */
  proxy?: string | undefined;
}

/** A display name that reads well in a sentence: the provider's name, else the product's. */
export function providerLabel(config: ProviderConfig): string {
  if (config.name) return config.name;
  if (config.type === 'ollama') return 'Ollama';
  if (config.type === 'anthropic') return 'Anthropic';
  if (config.type === 'gemini') return 'Google Gemini';
  return /(^|\.)openai\.com$/.test(hostname(providerHost(config))) ? 'OpenAI' : config.id;
}

export function httpFailureError(failure: HttpFailure, context: FailureContext): AppError {
  const { config, model } = context;
  const label = providerLabel(config);
  const { status } = failure;
  // The provider's own words close the sentence; what follows starts a new one.
  const said = failure.message ? `: ${asSentence(failure.message)}` : '.';
  const details = {
    provider_id: config.id,
    ...(model ? { model_id: model } : {}),
    status,
    ...(failure.message ? { provider_message: failure.message } : {}),
  };
  const error = (code: ConstructorParameters<typeof AppError>[0], message: string, kind: FailureKindOf) =>
    new AppError(code, message, { details, failure: kind });

  // Gemini answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
  if (status === 401 || failure.code === 'API_KEY_INVALID') {
    return config.type === 'ollama'
      ? error(
          'PROVIDER_UNAUTHORIZED',
          `${label} at ${maskUrl(providerHost(config))} asks for credentials (401)${said} LightChat sends none to Ollama: check the host, or the reverse proxy in front of it.`,
          'client',
        )
      : new AppError(
          'PROVIDER_UNAUTHORIZED',
          `${label} rejected the API key (${status}). ${keyHint(config)}`,
          {
            details: { ...details, reason: 'api_key_rejected' },
            failure: 'client',
          },
        );
  }
  if (status === 407) {
    return error(
      'PROVIDER_UNAUTHORIZED',
      `The proxy ${context.proxy ? `${maskUrl(context.proxy)} ` : ''}rejected LightChat's credentials (407). Check the user and password in the proxy URL.`,
      'client',
    );
  }
  if (status === 403) {
    return config.type === 'ollama'
      ? error(
          'PROVIDER_UNAUTHORIZED',
          // Not OLLAMA_ORIGINS: LightChat's requests carry no Origin, and "*" would let every web page drive Ollama.
          `${label} at ${maskUrl(providerHost(config))} refused the request (403 Forbidden)${said} A proxy in front of Ollama, or Ollama's own host check, refused it (while Ollama listens on 127.0.0.1 it accepts only host names such as localhost or this machine's name): check the host in settings.yaml and any proxy between LightChat and Ollama.`,
          'client',
        )
      : error(
          'PROVIDER_UNAUTHORIZED',
          `${label} denied access (403)${said} Check that the API key may use this model.`,
          'client',
        );
  }
  if (status === 429) {
    if (failure.code === 'insufficient_quota' || /insufficient[_ ]quota/i.test(failure.message)) {
      return new AppError(
        'PROVIDER_RATE_LIMITED',
        `${label} says the account's quota is used up (429 insufficient_quota). Check the plan and billing of this API key.`,
        { details: { ...details, reason: 'insufficient_quota' }, failure: 'quota' },
      );
    }
    const wait = failure.retryAfterS;
    return new AppError(
      'PROVIDER_RATE_LIMITED',
      `${label} is rate limiting requests (429)${wait === undefined ? '' : `; it asks to wait ${wait} s`}. Try again later.`,
      {
        details: { ...details, ...(wait === undefined ? {} : { retry_after_s: wait }) },
        failure: 'rate_limit',
        retryAfterS: wait,
      },
    );
  }
  if (status === 404 && model && (config.type === 'ollama' || mentionsModel(failure))) {
    return error(
      'MODEL_NOT_FOUND',
      config.type === 'ollama'
        ? `Model "${model}" is not installed in ${label}. Run \`ollama pull ${model}\`.`
        : `Model "${model}" is not available at ${label}${said} Pick another model or change default_model for provider "${config.id}".`,
      'client',
    );
  }
  if (status === 404) {
    return error(
      'PROVIDER_ERROR',
      `${label} answered 404 Not Found at ${maskUrl(providerHost(config))}${said} Check the host in settings.yaml${config.type === 'openai' ? ' (OpenAI-compatible servers usually end in /v1)' : ''}.`,
      'client',
    );
  }
  if (status === 408) {
    return error('PROVIDER_TIMEOUT', `${label} timed out the request (408)${said} Try again.`, 'timeout');
  }
  if (isContextTooLong(failure)) {
    return error(
      'CONTEXT_TOO_LONG',
      `The conversation is too long for ${model ? `model "${model}"` : label}${said} Start a new chat or shorten it.`,
      'client',
    );
  }
  if (status >= 500) {
    return error(
      'PROVIDER_ERROR',
      `${label} had an internal error (${status})${said} Try again in a moment.`,
      'server',
    );
  }
  return error('PROVIDER_ERROR', `${label} refused the request (${status})${said}`, 'client');
}

type FailureKindOf = NonNullable<AppError['failure']>;

/** A provider's own words as a sentence: one closing full stop, never a second (". ." / ".."). */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…。]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * A request that got no HTTP answer: refused, reset, unknown host, TLS. `streaming` tells a cut
 * in the middle of an answer from a failure to connect.
 */
export function networkError(error: unknown, context: FailureContext & { streaming: boolean }): AppError {
  const { config } = context;
  const label = providerLabel(config);
  const host = maskUrl(providerHost(config));
  const code = errorCode(error);
  const via = context.proxy ? ` through the proxy ${maskUrl(context.proxy)}` : '';
  const details = {
    provider_id: config.id,
    ...(context.model ? { model_id: context.model } : {}),
    ...(code ? { cause_code: code } : {}),
  };
  const make = (
    errorCodeName: 'PROVIDER_UNREACHABLE' | 'PROVIDER_ERROR' | 'PROVIDER_TIMEOUT',
    message: string,
    kind: FailureKindOf,
  ) => new AppError(errorCodeName, message, { details, failure: kind, cause: error });

  if (context.streaming) {
    return make(
      'PROVIDER_ERROR',
      `The connection to ${label} was lost in the middle of the answer${code ? ` (${code})` : ''}. The partial answer is kept; try again.`,
      'connection',
    );
  }
  // undici reports a proxy's 407 as a network error ("Proxy Authentication Required (407)").
  if (context.proxy && /\b407\b|Proxy Authentication Required/i.test(causeMessages(error))) {
    return httpFailureError({ status: 407, message: '' }, context);
  }
  if (context.proxy && code === 'ECONNREFUSED') {
    return make(
      'PROVIDER_UNREACHABLE',
      `The proxy ${maskUrl(context.proxy)} refused the connection. Check the proxy setting of provider "${config.id}" (or HTTPS_PROXY).`,
      'connection',
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return make(
        'PROVIDER_UNREACHABLE',
        config.type === 'ollama'
          ? `${label} is not running at ${host} (connection refused). Start it with \`ollama serve\`, or change the host in settings.yaml.`
          : `${label} is not reachable at ${host} (connection refused). Check that the server is running, or change the host in settings.yaml.`,
        'connection',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(
        'PROVIDER_UNREACHABLE',
        `${label} is not reachable: the name of ${host} could not be resolved${via}. Check the host in settings.yaml and the network.`,
        'connection',
      );
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return make(
        'PROVIDER_TIMEOUT',
        `Connecting to ${label} at ${host} timed out${via}. Check the network.`,
        'timeout',
      );
    default:
      if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) {
        return make(
          'PROVIDER_UNREACHABLE',
          `The TLS certificate of ${host} was not accepted (${code}). Check the host, or the proxy's certificate.`,
          'client',
        );
      }
      return make(
        'PROVIDER_UNREACHABLE',
        `${label} at ${host} could not be reached${via}${code ? ` (${code})` : ''}. Check that it is running and the host in settings.yaml.`,
        'connection',
      );
  }
}

/** A chunk the provider sent that is not what its protocol promises. */
export function malformedChunkError(context: FailureContext, sample = ''): AppError {
  return new AppError(
    'PROVIDER_ERROR',
    `${providerLabel(context.config)} sent a malformed chunk the stream could not be read past. Try again; if it persists, check the server.`,
    {
      details: {
        provider_id: context.config.id,
        ...(context.model ? { model_id: context.model } : {}),
        ...(sample ? { chunk: sample.slice(0, 200) } : {}),
      },
      failure: 'server',
    },
  );
}

/** An error the provider reported inside an otherwise successful stream. */
export function inStreamError(context: FailureContext, message: string): AppError {
  return new AppError(
    'PROVIDER_ERROR',
    `${providerLabel(context.config)} reported an error while answering: ${asSentence(message)}`,
    {
      details: {
        provider_id: context.config.id,
        ...(context.model ? { model_id: context.model } : {}),
        provider_message: message,
      },
      failure: 'server',
    },
  );
}

/**
 * The host answered, but not as the provider's API would (a 404 in another server's words, a
 * page, another API's stream): most often an OpenAI-compatible server set up as this type.
 */
export function notTheApiError(context: FailureContext, what: string): AppError {
  const { config } = context;
  const api =
    config.type === 'anthropic'
      ? 'the Anthropic API'
      : config.type === 'gemini'
        ? 'the Gemini API'
        : `a ${providerLabel(config)} server`;
  const official =
    config.type === 'anthropic' || config.type === 'gemini'
      ? ` (the official one is ${DEFAULT_HOSTS[config.type]})`
      : '';
  return new AppError(
    'PROVIDER_ERROR',
    `${maskUrl(providerHost(config))} does not look like ${api}: ${what}. Check the host of provider "${config.id}"${official}; an OpenAI-compatible server is type "openai".`,
    {
      details: {
        provider_id: config.id,
        ...(context.model ? { model_id: context.model } : {}),
        reason: 'not_the_api',
      },
      failure: 'client',
    },
  );
}

/** A model list or probe whose caller gave up (the registry's 2 s probe, a closed request). */
export function abortedError(context: FailureContext, signal: AbortSignal): AppError {
  const timedOut = signal.reason instanceof Error && signal.reason.name === 'TimeoutError';
  const label = providerLabel(context.config);
  const host = maskUrl(providerHost(context.config));
  return timedOut
    ? new AppError('PROVIDER_TIMEOUT', `${label} did not answer in time at ${host}.`, {
        details: { provider_id: context.config.id },
        failure: 'timeout',
      })
    : new AppError('PROVIDER_ERROR', `The request to ${label} at ${host} was cancelled.`, {
        details: { provider_id: context.config.id },
        failure: 'client',
      });
}

/** The key hint of every "key missing / rejected" message. */
export function keyHint(config: ProviderConfig): string {
  const names = config.apiKeyEnv ? [config.apiKeyEnv] : DEFAULT_KEY_ENVS[config.type];
  return names.length > 0
    ? `Set ${names.join(' or ')} or api_key for provider "${config.id}".`
    : `Set api_key (or api_key_env) for provider "${config.id}" in settings.yaml.`;
}

/** `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, in whole seconds. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Math.ceil(Number(ms) / 1000));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The first `code` along an error's cause chain (undici nests the socket error). */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessages(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.join(' | ');
}

function isContextTooLong(failure: HttpFailure): boolean {
  return (
    failure.code === 'context_length_exceeded' ||
    (failure.status === 400 &&
      /context length|context window|maximum context|too many tokens|prompt is too long/i.test(
        failure.message,
      ))
  );
}

function mentionsModel(failure: HttpFailure): boolean {
  return failure.code === 'model_not_found' || /model/i.test(failure.message);
}

function hostname(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : '';
}
