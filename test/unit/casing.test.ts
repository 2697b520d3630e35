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

  it('spells every key right, again and again, also past the spellings it remembers', () => {
    const camel = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`userKey${i}Name`, i]));
    const snake = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`user_key${i}_name`, i]));
    for (let round = 0; round < 2; round++) {
      expect(toSnakeKeys(camel)).toEqual(snake);
      expect(toCamelKeys(snake)).toEqual(camel);
    }
  });

  it('maps error paths to the names in the file', () => {
    expect(toSnakePath(['providers', 0, 'apiKeyEnv'])).toEqual(['providers', 0, 'api_key_env']);
  });

  it('keeps user-chosen keys: MCP server names, env and headers keys, tool schemas and arguments', () => {
    const wire = {
      mcp_servers: {
        my_files: { run_without_asking: true, env: { SECRET_TOKEN: 'x', my_var: 'y' } },
        remote_2: { headers: { 'X-Api-Key': 'k', x_custom_id: 'i' } },
      },
      tools: [{ input_schema: { properties: { file_path: {} } } }],
      tool_call: { arguments: { max_results: 3 } },
    };
    const camel = toCamelKeys(wire);
    expect(camel).toEqual({
      mcpServers: {
        my_files: { runWithoutAsking: true, env: { SECRET_TOKEN: 'x', my_var: 'y' } },
        remote_2: { headers: { 'X-Api-Key': 'k', x_custom_id: 'i' } },
      },
      tools: [{ inputSchema: { properties: { file_path: {} } } }],
      toolCall: { arguments: { max_results: 3 } },
    });
    expect(toSnakeKeys(camel)).toEqual(wire);
    expect(toSnakeKeys({ mcpServers: { SomeName: { alwaysAllow: [] } } })).toEqual({
      mcp_servers: { SomeName: { always_allow: [] } },
    });
  });

  it('maps error paths into MCP servers without touching names and env keys', () => {
    expect(toSnakePath(['mcpServers', 'my_files', 'runWithoutAsking'])).toEqual([
      'mcp_servers',
      'my_files',
      'run_without_asking',
    ]);
    expect(toSnakePath(['mcpServers', 'myFiles', 'env', 'SECRET_TOKEN'])).toEqual([
      'mcp_servers',
      'myFiles',
      'env',
      'SECRET_TOKEN',
    ]);
  });
});
