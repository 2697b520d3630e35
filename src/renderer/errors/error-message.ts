import { ERROR_CODES, type ErrorCode } from '../../domain/errors';

/** An error as the UI holds it: the server's code, message and details, or NETWORK when nothing answered. */
export interface UiError {
  code: ErrorCode | 'NETWORK';
  message: string;
  details: Record<string, unknown>;
}

const TITLES: Partial<Record<UiError['code'], string>> = {
  VALIDATION_ERROR: 'The request was not valid',
  CONFIG_INVALID: 'The settings are not valid',
  CONFIG_CONFLICT: 'settings.yaml changed on disk',
  CONFIG_FILE_INVALID: 'settings.yaml is invalid',
  PROVIDER_NOT_FOUND: 'Unknown provider',
  MODEL_NOT_FOUND: 'Model not found',
  NOT_FOUND: 'Not found',
  CHAT_NOT_FOUND: 'This chat is no longer running',
  PROVIDER_UNREACHABLE: 'The provider is not reachable',
  PROVIDER_UNAUTHORIZED: 'The provider refused access',
  PROVIDER_ERROR: 'The provider reported an error',
  PROVIDER_TIMEOUT: 'The provider took too long',
  PROVIDER_RATE_LIMITED: 'Rate limited by the provider',
  CONTEXT_TOO_LONG: 'The conversation is too long for this model',
  PAYLOAD_TOO_LARGE: 'The message is too large',
  FORBIDDEN_HOST: 'Request refused',
  FORBIDDEN_ORIGIN: 'Request refused',
  UNAUTHORIZED: 'This page needs the API token',
  SERVER_SHUTTING_DOWN: 'LightChat is shutting down',
  INTERNAL: 'Something went wrong',
  NETWORK: 'LightChat is not answering',
};

/** What to do, for when the server's message is empty or the failure never reached the server. */
const FALLBACKS: Partial<Record<UiError['code'], string>> = {
  NETWORK:
    'The connection to LightChat was lost. Check that it is still running (`npm run serve`), then retry.',
  PROVIDER_UNREACHABLE: 'Check that the provider is running (for Ollama: `ollama serve`), then retry.',
  PROVIDER_UNAUTHORIZED: 'Check the API key in Settings, then retry.',
  MODEL_NOT_FOUND: 'Pick another model, or pull it first (for Ollama: `ollama pull <model>`).',
  PROVIDER_RATE_LIMITED: 'Wait a moment, then retry.',
  PROVIDER_TIMEOUT: 'The model may still be loading: retry in a moment.',
  CONTEXT_TOO_LONG: 'Start a new chat, or remove earlier messages by editing one.',
  SERVER_SHUTTING_DOWN: 'Start LightChat again, then retry.',
  INTERNAL: 'Retry; if it happens again, the Logs drawer has the details.',
};

const KNOWN_CODES = new Set<string>([...ERROR_CODES, 'NETWORK']);

/**
 * Titles for what one code covers in several ways, by the `details.reason` the server sets: a key
 * that is missing is not a key that was rejected; a used-up quota is not a rate limit (no wait helps).
 */
const REASON_TITLES: Record<string, string> = {
  missing_api_key: 'No API key is set',
  api_key_rejected: 'The API key was rejected',
  insufficient_quota: "The account's quota is used up",
};

export function errorTitle(error: UiError): string {
  const reason = error.details.reason;
  if (typeof reason === 'string' && Object.hasOwn(REASON_TITLES, reason)) return REASON_TITLES[reason]!;
  return TITLES[error.code] ?? 'Something went wrong';
}

/** The sentence shown to the user: the server's own message (written to be acted on), else a fallback. */
export function errorText(error: UiError): string {
  const message = error.message.trim();
  return message === '' ? (FALLBACKS[error.code] ?? 'Retry in a moment.') : message;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The error shape's `data`, over HTTP (`err.data`) and over IPC (`err.cause.data`, a bridge quirk). */
function errorData(error: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isRecord(error.data) && 'errorCode' in error.data) return error.data;
  if (isRecord(error.shape) && isRecord(error.shape.data)) return error.shape.data;
  if (isRecord(error.cause) && isRecord(error.cause.data)) return error.cause.data;
  return isRecord(error.data) ? error.data : undefined;
}

/** Anything thrown by the tRPC client (or a chat `error` event) as a UiError; never "[object Object]". */
export function toUiError(error: unknown): UiError {
  if (!isRecord(error)) {
    return { code: 'INTERNAL', message: typeof error === 'string' ? error : '', details: {} };
  }
  if (typeof error.errorCode === 'string') {
    return {
      code: KNOWN_CODES.has(error.errorCode) ? (error.errorCode as ErrorCode) : 'INTERNAL',
      message: typeof error.message === 'string' ? error.message : '',
      details: isRecord(error.details) ? error.details : {},
    };
  }
  const data = errorData(error);
  const code = data?.errorCode;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    return {
      code: code as ErrorCode,
      message: typeof error.message === 'string' ? error.message : '',
      details: isRecord(data?.details) ? data.details : {},
    };
  }
  // No error shape from the server: the request never got an answer (server stopped, network down).
  if (data === undefined || isNetworkFailure(error)) return { code: 'NETWORK', message: '', details: {} };
  const fallbackCode = data.code === 'BAD_REQUEST' ? 'VALIDATION_ERROR' : 'INTERNAL';
  return { code: fallbackCode, message: typeof error.message === 'string' ? error.message : '', details: {} };
}

function isNetworkFailure(error: Record<string, unknown>): boolean {
  const text = `${String(error.message ?? '')} ${isRecord(error.cause) ? String(error.cause.message ?? '') : ''}`;
  return /failed to fetch|networkerror|network error|load failed|ECONNREFUSED|fetch failed/i.test(text);
}

/** One line of an error for a list of failures: "Title — what to do". */
export const errorLine = (error: UiError): string => `${errorTitle(error)}: ${errorText(error)}`;
