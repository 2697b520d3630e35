import type { ErrorCode } from '../../domain/errors.js';

/**
 * The HTTP status of each error code when it is answered before a stream (CONTRACT section 3).
 * `VALIDATION_ERROR` is 422 for a schema failure; malformed JSON or a malformed query is 400.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 422,
  CONFIG_INVALID: 422,
  CONFIG_CONFLICT: 409,
  CONFIG_FILE_INVALID: 409,
  PROVIDER_NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CHAT_NOT_FOUND: 404,
  PROVIDER_UNREACHABLE: 502,
  PROVIDER_UNAUTHORIZED: 502,
  PROVIDER_ERROR: 502,
  PROVIDER_TIMEOUT: 504,
  PROVIDER_RATE_LIMITED: 429,
  CONTEXT_TOO_LONG: 400,
  PAYLOAD_TOO_LARGE: 413,
  FORBIDDEN_HOST: 403,
  FORBIDDEN_ORIGIN: 403,
  UNAUTHORIZED: 401,
  SERVER_SHUTTING_DOWN: 503,
  CONVERSATION_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  CONVERSATION_BUSY: 409,
  HISTORY_UNAVAILABLE: 503,
  IMPORT_INVALID: 422,
  TOOL_NOT_FOUND: 404,
  TOOL_CALL_NOT_FOUND: 404,
  MCP_SERVER_ERROR: 502,
  INTERNAL: 500,
};

/** Which code of a malformed request is answered with 400 rather than the code's usual status. */
export const MALFORMED_REQUEST_STATUS = 400;
