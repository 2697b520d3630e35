import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorLine, errorText, errorTitle, toUiError } from '../../src/renderer/errors/error-message';

describe('readable errors', () => {
  it('reads the code, message and details of a tRPC error over HTTP (err.data)', () => {
    const error = {
      message: 'Ollama is not running at http://127.0.0.1:11434 — start it with `ollama serve`',
      data: {
        code: 'BAD_GATEWAY',
        errorCode: 'PROVIDER_UNREACHABLE',
        details: { host: 'http://127.0.0.1:11434' },
      },
    };
    const ui = toUiError(error);
    expect(ui).toEqual({
      code: 'PROVIDER_UNREACHABLE',
      message: error.message,
      details: { host: 'http://127.0.0.1:11434' },
    });
    expect(errorTitle(ui)).toBe('The provider is not reachable');
    expect(errorText(ui)).toContain('ollama serve');
  });

  it('reads the error shape one level down over IPC (err.cause.data)', () => {
    const error = {
      message: 'Model "x" not found',
      cause: { data: { errorCode: 'MODEL_NOT_FOUND', details: {} } },
    };
    expect(toUiError(error).code).toBe('MODEL_NOT_FOUND');
  });

  it('reads a chat error event', () => {
    const ui = toUiError({
      type: 'error',
      errorCode: 'PROVIDER_RATE_LIMITED',
      message: 'Slow down',
      details: {},
    });
    expect(errorLine(ui)).toBe('Rate limited by the provider: Slow down');
  });

  it('calls a request that never got an answer a lost connection, with what to do', () => {
    const error = new TRPCClientError('Failed to fetch', { cause: new TypeError('Failed to fetch') });
    const ui = toUiError(error);
    expect(ui.code).toBe('NETWORK');
    expect(errorText(ui)).toMatch(/npm run serve/);
  });

  it('never shows "[object Object]" or an empty sentence', () => {
    for (const thrown of [{}, { message: { nested: true } }, 42, null, undefined, { data: {} }]) {
      const ui = toUiError(thrown);
      expect(errorText(ui)).not.toContain('[object Object]');
      expect(errorText(ui).length).toBeGreaterThan(0);
      expect(errorTitle(ui).length).toBeGreaterThan(0);
    }
  });

  it('maps tRPC input errors without a LightChat code to VALIDATION_ERROR', () => {
    expect(toUiError({ message: 'bad input', data: { code: 'BAD_REQUEST' } }).code).toBe('VALIDATION_ERROR');
  });

  it('titles say what happened: a missing key, a rejected key, a refusal, a used-up quota, a rate limit', () => {
    const title = (code: string, details: Record<string, unknown> = {}) =>
      errorTitle(toUiError({ type: 'error', errorCode: code, message: 'x', details }));
    expect(title('PROVIDER_UNAUTHORIZED', { reason: 'missing_api_key' })).toBe('No API key is set');
    expect(title('PROVIDER_UNAUTHORIZED', { reason: 'api_key_rejected' })).toBe('The API key was rejected');
    expect(title('PROVIDER_UNAUTHORIZED')).toBe('The provider refused access');
    expect(title('PROVIDER_RATE_LIMITED', { reason: 'insufficient_quota' })).toBe(
      "The account's quota is used up",
    );
    expect(title('PROVIDER_RATE_LIMITED')).toBe('Rate limited by the provider');
  });
});
