import { describe, expect, it } from 'vitest';
import { httpFailureError, inStreamError } from '../../../src/adapters/providers/provider-errors.js';
import type { ProviderConfig } from '../../../src/domain/settings.js';

const openai: ProviderConfig = {
  id: 'openai',
  name: null,
  type: 'openai',
  host: 'https://api.openai.com/v1',
  apiKeyEnv: 'OPENAI_API_KEY',
  defaultModel: null,
  systemPrompt: null,
};
const ollama: ProviderConfig = {
  id: 'ollama_local',
  name: null,
  type: 'ollama',
  host: 'http://127.0.0.1:11434',
  defaultModel: null,
  systemPrompt: null,
};

/** Two full stops in a row that are not an ellipsis. */
const DOUBLE_STOP = /(^|[^.])\.\.($|[^.])/;

describe('provider error messages', () => {
  it.each([
    [403, undefined],
    [404, 'model_not_found'],
    [404, undefined],
    [408, undefined],
    [400, 'context_length_exceeded'],
    [500, undefined],
    [418, undefined],
  ])("keeps one full stop after a provider's own sentence (%i %s)", (status, code) => {
    const said = 'The model `gpt-5.2-proo` does not exist or you do not have access to it.';
    const error = httpFailureError(
      { status, message: said, code },
      { config: openai, model: 'gpt-5.2-proo' },
    );
    expect(error.message).not.toMatch(DOUBLE_STOP);
    expect(error.message).toContain(said);
    expect(error.message).toMatch(/[.!?]$/);
  });

  it('ends a provider sentence without a full stop with one, and an error inside a stream too', () => {
    const error = httpFailureError({ status: 500, message: 'upstream exploded' }, { config: ollama });
    expect(error.message).toContain('upstream exploded. ');
    expect(inStreamError({ config: openai }, 'Token limit reached.').message).toBe(
      'OpenAI reported an error while answering: Token limit reached.',
    );
    expect(inStreamError({ config: openai }, 'Token limit reached').message).toBe(
      'OpenAI reported an error while answering: Token limit reached.',
    );
  });

  it('never advises OLLAMA_ORIGINS="*" on an Ollama 403: a proxy or Ollama\'s host check refused it', () => {
    const error = httpFailureError({ status: 403, message: '' }, { config: ollama });
    expect(error.code).toBe('PROVIDER_UNAUTHORIZED');
    expect(error.message).not.toContain('OLLAMA_ORIGINS');
    expect(error.message).toMatch(/proxy/);
    expect(error.message).toMatch(/host/i);
  });

  it('tells a used-up quota from a rate limit in details.reason (for the title)', () => {
    const quota = httpFailureError(
      { status: 429, message: 'You exceeded your current quota.', code: 'insufficient_quota' },
      { config: openai },
    );
    expect(quota).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', details: { reason: 'insufficient_quota' } });
    const limited = httpFailureError({ status: 429, message: 'Slow down' }, { config: openai });
    expect(limited.details).not.toHaveProperty('reason');
    const rejected = httpFailureError(
      { status: 401, message: 'Incorrect API key provided.' },
      { config: openai },
    );
    expect(rejected.details).toMatchObject({ reason: 'api_key_rejected' });
  });
});
