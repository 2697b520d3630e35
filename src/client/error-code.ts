import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const dataOf = (error: unknown): Record<string, unknown> | undefined => {
  if (!isRecord(error)) return undefined;
  if (isRecord(error.data)) return error.data;
  // Over Electron IPC the error shape arrives one level down (STACK-NOTES.md).
  if (isRecord(error.cause) && isRecord(error.cause.data)) return error.cause.data;
  return undefined;
};

/**
 * The LightChat error code of an error from the tRPC client, over HTTP (`err.data.errorCode`) or IPC
 * (`err.cause.data.errorCode`); undefined for anything else (e.g. the server is not running).
 */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  const code = dataOf(error)?.errorCode;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)
    ? (code as ErrorCode)
    : undefined;
}

/** The `details` an error carries with its code (empty when there are none). */
export function errorDetailsOf(error: unknown): Record<string, unknown> {
  const details = dataOf(error)?.details;
  return isRecord(details) ? details : {};
}
