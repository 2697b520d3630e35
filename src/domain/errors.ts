/** Every error LightChat reports, in one shape: a code, a message a user can act on, and details. */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'CONFIG_INVALID',
  'CONFIG_CONFLICT',
  'CONFIG_FILE_INVALID',
  'PROVIDER_NOT_FOUND',
  'MODEL_NOT_FOUND',
  'NOT_FOUND',
  'CHAT_NOT_FOUND',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_UNAUTHORIZED',
  'PROVIDER_ERROR',
  'PROVIDER_TIMEOUT',
  'PROVIDER_RATE_LIMITED',
  'CONTEXT_TOO_LONG',
  'PAYLOAD_TOO_LARGE',
  'FORBIDDEN_HOST',
  'FORBIDDEN_ORIGIN',
  'UNAUTHORIZED',
  'SERVER_SHUTTING_DOWN',
  /** History (CONTRACT section 10). */
  'CONVERSATION_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'CONVERSATION_BUSY',
  'HISTORY_UNAVAILABLE',
  'IMPORT_INVALID',
  /** Tools (CONTRACT section 11). */
  'TOOL_NOT_FOUND',
  'TOOL_CALL_NOT_FOUND',
  'MCP_SERVER_ERROR',
  /** Attachments (CONTRACT section 12). */
  'ATTACHMENT_UNSUPPORTED',
  'ATTACHMENT_TOO_LARGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Why a provider request failed, for the retry policy (CONTRACT section 3). Set by the provider
 * adapters; never sent over the wire.
 */
export type FailureKind = 'connection' | 'server' | 'rate_limit' | 'quota' | 'timeout' | 'client';

export interface AppErrorOptions {
  details?: Record<string, unknown>;
  failure?: FailureKind;
  /** Seconds the provider asked us to wait (HTTP `Retry-After`). */
  retryAfterS?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Free-form, snake_case keys: passed to API answers and logs unchanged. Never holds secrets. */
  readonly details: Record<string, unknown>;
  readonly failure: FailureKind | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? {};
    this.failure = options.failure;
    this.retryAfterS = options.retryAfterS;
  }

  toJSON(): { errorCode: ErrorCode; message: string; details: Record<string, unknown> } {
    return { errorCode: this.code, message: this.message, details: this.details };
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

/** Anything thrown becomes an AppError; unknown failures are INTERNAL with a plain message. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', `Unexpected error: ${message}`, { cause: error });
}
