import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../../../src/adapters/api/error-status.js';
import { trpcCodeOf } from '../../../src/adapters/api/trpc.js';
import { ERROR_CODES } from '../../../src/domain/errors.js';

describe('one table from error code to HTTP status', () => {
  it.each(ERROR_CODES)('%s answers over /trpc with the status REST gives it', (code) => {
    const status = getHTTPStatusCodeFromError(new TRPCError({ code: trpcCodeOf(code) }));
    expect(status).toBe(HTTP_STATUS[code]);
  });
});
