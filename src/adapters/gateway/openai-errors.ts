import { AppError, type ErrorCode, toAppError } from '../../domain/errors.js';

/** OpenAI's error shape: what its SDKs turn into their own error classes by status. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAIErrorAnswer {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}

/** Status, `type` and `code` of each LightChat error as an OpenAI client expects them (CONTRACT section 13). */
const WIRE: Partial<Record<ErrorCode, { status: number; type: string; code: string | null }>> = {
  UNAUTHORIZED: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  VALIDATION_ERROR: { status: 400, type: 'invalid_request_error', code: null },
  CONTEXT_TOO_LONG: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  PROVIDER_NOT_FOUND: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  NOT_FOUND: { status: 404, type: 'invalid_request_error', code: null },
  FORBIDDEN_HOST: { status: 403, type: 'invalid_request_error', code: 'forbidden_host' },
  FORBIDDEN_ORIGIN: { status: 403, type: 'invalid_request_error', code: 'forbidden_origin' },
  PAYLOAD_TOO_LARGE: { status: 413, type: 'invalid_request_error', code: 'payload_too_large' },
  // An image for a model that cannot see it, or not an image, or too large: the request is bad.
  ATTACHMENT_UNSUPPORTED: { status: 400, type: 'invalid_request_error', code: 'image_not_supported' },
  ATTACHMENT_TOO_LARGE: { status: 400, type: 'invalid_request_error', code: 'image_too_large' },
  PROVIDER_RATE_LIMITED: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  PROVIDER_UNREACHABLE: { status: 502, type: 'api_error', code: 'provider_unreachable' },
  PROVIDER_UNAUTHORIZED: { status: 502, type: 'api_error', code: 'provider_unauthorized' },
  PROVIDER_ERROR: { status: 502, type: 'api_error', code: 'provider_error' },
  PROVIDER_TIMEOUT: { status: 504, type: 'api_error', code: 'provider_timeout' },
  SERVER_SHUTTING_DOWN: { status: 503, type: 'api_error', code: 'server_shutting_down' },
};

/**
 * Any error as OpenAI would answer it. A provider that refused the request itself (a 4xx other than
 * its key or rate limit, e.g. a `max_tokens` it does not take) is the caller's bad request: 400 with
 * the provider's words, not 502. A rate limit carries `Retry-After` when the provider said it.
 */
export function openAIError(error: unknown): OpenAIErrorAnswer {
  const appError = toAppError(error);
  const param = typeof appError.details.param === 'string' ? appError.details.param : null;
  const providerStatus = typeof appError.details.status === 'number' ? appError.details.status : undefined;
  let wire = WIRE[appError.code] ?? { status: 500, type: 'api_error', code: 'internal_error' };
  if (
    appError.code === 'PROVIDER_ERROR' &&
    appError.failure === 'client' &&
    isPlainClientError(providerStatus)
  ) {
    wire = { status: 400, type: 'invalid_request_error', code: null };
  }
  if (appError.code === 'PROVIDER_RATE_LIMITED' && appError.details.reason === 'insufficient_quota') {
    wire = { ...wire, type: 'insufficient_quota', code: 'insufficient_quota' };
  }
  const retryAfter = appError.retryAfterS ?? numberOr(appError.details.retry_after_s);
  return {
    status: wire.status,
    body: {
      error: {
        message: appError.message,
        type: wire.type,
        param: param ?? (wire.code === 'model_not_found' ? 'model' : null),
        code: wire.code,
      },
    },
    headers: wire.status === 429 && retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
  };
}

/** The error event of a chat (already an AppError's parts) as OpenAI's body, for a stream that has begun. */
export const openAIErrorBody = (event: {
  errorCode: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}): OpenAIErrorBody =>
  openAIError(new AppError(event.errorCode, event.message, { details: event.details })).body;

const isPlainClientError = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500 && ![401, 403, 404, 407, 408, 429].includes(status);

const numberOr = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
