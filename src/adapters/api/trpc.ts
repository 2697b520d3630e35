import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../../domain/errors.js';
import { zodIssues } from '../../domain/services/validation.js';
import { HTTP_STATUS } from './error-status.js';

/** The tRPC code that answers with each HTTP status: over `/trpc` an error gets the status of REST's table. */
const TRPC_CODE_OF_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** The tRPC code of a LightChat error code, derived from the one table of statuses (error-status.ts). */
export const trpcCodeOf = (code: ErrorCode): TRPC_ERROR_CODE_KEY =>
  TRPC_CODE_OF_STATUS[HTTP_STATUS[code]] ?? 'INTERNAL_SERVER_ERROR';

/** Errors tRPC raises itself (a bad batch, an unknown path) in LightChat's terms. */
const CODE_OF_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: 'VALIDATION_ERROR',
  BAD_REQUEST: 'VALIDATION_ERROR',
  UNPROCESSABLE_CONTENT: 'VALIDATION_ERROR',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/** The AppError behind any tRPC error: thrown by the core, a zod input failure, or tRPC's own. */
export function appErrorOf(error: TRPCError): AppError {
  const cause = error.cause;
  if (cause instanceof AppError) return cause;
  if (cause instanceof z.ZodError) {
    return new AppError(
      'VALIDATION_ERROR',
      `Invalid input: ${zodIssues(cause)[0]?.message ?? 'unknown problem'}`,
      {
        details: { issues: zodIssues(cause) },
      },
    );
  }
  return new AppError(CODE_OF_TRPC[error.code] ?? 'INTERNAL', error.message);
}

/** Every error's `data` carries `errorCode` and `details`: one helper in src/client reads them. */
const t = initTRPC.create({
  // No stack traces in answers, whatever NODE_ENV says.
  isDev: false,
  sse: { ping: { enabled: true, intervalMs: 15_000 } },
  errorFormatter({ shape, error }) {
    const appError = appErrorOf(error);
    return {
      ...shape,
      message: appError.message,
      data: { ...shape.data, errorCode: appError.code, details: appError.details },
    };
  },
});

/** Gives an AppError thrown by a procedure its matching tRPC code (and HTTP status). */
const withAppErrorCodes = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const appError = appErrorOf(result.error);
  const code = trpcCodeOf(appError.code);
  if (result.error.code === code && result.error.cause === appError) return result;
  return { ...result, error: new TRPCError({ code, message: appError.message, cause: appError }) };
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const middleware = t.middleware;
export const publicProcedure = t.procedure.use(withAppErrorCodes);
export { t };
