import { describe, expect, it, vi } from 'vitest';
import type { ConnectMcp } from '../../src/adapters/mcp/mcp-connection.js';
import { McpToolHost } from '../../src/adapters/mcp/mcp-tool-host.js';
import { mcpServerConfigSchema } from '../../src/domain/mcp-settings.js';
import type { ChatLog } from '../../src/domain/ports/chat-log.port.js';
import { waitFor } from '../fixtures/wait-for.js';

// Stands in for the module that holds the MCP SDK's client: it records when it is loaded.
const sdk = vi.hoisted(() => ({ loaded: false, starts: [] as string[] }));
vi.mock('../../src/adapters/mcp/mcp-connection.js', () => {
  sdk.loaded = true;
  const connectMcpServer: ConnectMcp = async (options) => {
    sdk.starts.push(options.config.command ?? '');
    return {
      tools: [],
      lost: new Promise<string>(() => {}),
      callTool: async () => ({ content: [] }),
      close: async () => {},
    };
  };
  return { connectMcpServer };
});

const quietLog: ChatLog = {
  append: () => {},
  recent: async () => [],
  tail: async function* () {},
  state: () => ({ enabled: true, writeError: null, dir: '' }),
  configure: () => {},
  flush: async () => {},
  close: async () => {},
};

describe('the MCP SDK loads only when a server starts (start-up without mcp_servers stays light)', () => {
  it('is not loaded by the tool host, nor by applying no servers; it is by the first server', async () => {
    const host = new McpToolHost({ log: quietLog });
    host.apply({});
    expect(host.list()).toEqual([]);
    expect(sdk.loaded).toBe(false);

    host.apply({
      files: mcpServerConfigSchema.parse({ command: 'tiny' }),
    });
    await waitFor(() => host.list()[0]?.status === 'ready');
    expect(sdk.loaded).toBe(true);
    expect(sdk.starts).toEqual(['tiny']);
    await host.close();
  });
});
