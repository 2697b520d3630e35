import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { toSnakeKeys } from '../../domain/casing.js';
import { AppError, toAppError } from '../../domain/errors.js';
import { HTTP_STATUS, MALFORMED_REQUEST_STATUS } from './error-status.js';

/** The wire shape of every REST error: `{error_code, message, details}`. */
export const errorBody = (error: AppError): unknown => toSnakeKeys(error.toJSON());

export function errorResponse(c: Context, error: unknown, status?: number): Response {
  const appError = toAppError(error);
  const code = (status ?? HTTP_STATUS[appError.code]) as ContentfulStatusCode;
  c.header('cache-control', 'no-store');
  c.header('x-content-type-options', 'nosniff');
  return c.json(errorBody(appError), code);
}

/** A request LightChat cannot read at all (malformed JSON or query): answered with 400. */
export class MalformedRequest extends AppError {
  readonly status = MALFORMED_REQUEST_STATUS;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION_ERROR', message, { details });
  }
}

export const statusOf = (error: unknown): number | undefined =>
  error instanceof MalformedRequest ? error.status : undefined;
