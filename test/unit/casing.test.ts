import { describe, expect, it } from 'vitest';
import { toCamelKeys, toSnakeKeys, toSnakePath } from '../../src/domain/casing.js';

describe('the snake_case ↔ camelCase mapping', () => {
  it('maps nested keys both ways and round-trips', () => {
    const wire = {
      default_provider: 'x',
      providers: [{ api_key_env: 'K', default_model: null }],
      api: { port: 1 },
    };
    const camel = toCamelKeys(wire);
    expect(camel).toEqual({
      defaultProvider: 'x',
      providers: [{ apiKeyEnv: 'K', defaultModel: null }],
      api: { port: 1 },
    });
    expect(toSnakeKeys(camel)).toEqual(wire);
  });

  it('passes `details` through unchanged', () => {
    expect(toSnakeKeys({ eventType: 'e', details: { requestId: 1, error_code: 'X' } })).toEqual({
      event_type: 'e',
      details: { requestId: 1, error_code: 'X' },
    });
  });

  it('maps error paths to the names in the file', () => {
    expect(toSnakePath(['providers', 0, 'apiKeyEnv'])).toEqual(['providers', 0, 'api_key_env']);
  });
});
