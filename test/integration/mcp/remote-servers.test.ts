import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { McpToolHost } from '../../../src/adapters/mcp/mcp-tool-host.js';
import { mcpServerConfigSchema } from '../../../src/domain/mcp-settings.js';
import type { ChatLog } from '../../../src/domain/ports/chat-log.port.js';
import { waitFor } from '../../fixtures/wait-for.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
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

/** An MCP server (the SDK's own) with one tool, `hello`. */
function helloServer(): Server {
  const server = new Server({ name: 'remote-hello', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'hello', description: 'Greets', inputSchema: { type: 'object', properties: {} } }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async () => ({
    content: [{ type: 'text', text: 'hello!' }],
  }));
  return server;
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<string> {
  const http: HttpServer = createServer((request, response) => {
    handler(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    http.closeAllConnections();
    return new Promise((resolve) => http.close(resolve));
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

function hostFor(url: string, headers: Record<string, string>) {
  const host = new McpToolHost({ log: quietLog });
  cleanups.push(() => host.close());
  host.apply({ remote: mcpServerConfigSchema.parse({ url, headers }) });
  const info = () => host.list()[0];
  return { host, info };
}

describe('remote MCP servers', () => {
  it('a Streamable HTTP server: ready with its tools, the configured headers sent, a call answered', async () => {
    const seen: (string | undefined)[] = [];
    const base = await listen(async (request, response) => {
      seen.push(request.headers['x-api-key'] as string | undefined);
      // Stateless: a server and a transport per request.
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      await helloServer().connect(transport);
      await transport.handleRequest(request, response);
    });
    const { host, info } = hostFor(`${base}/mcp`, { 'X-Api-Key': 'remote-key-1' });
    await waitFor(() => info()?.status === 'ready', 'the remote server is ready');
    expect(info()?.tools).toEqual([
      { name: 'hello', description: 'Greets', inputSchema: { type: 'object', properties: {} } },
    ]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((value) => value === 'remote-key-1')).toBe(true);
    const outcome = await host.call({
      server: 'remote',
      name: 'hello',
      arguments: {},
      timeoutMs: 10_000,
      signal: new AbortController().signal,
    });
    expect(outcome).toEqual({ ok: true, content: 'hello!' });
  });

  it('a server of the older SSE transport is reached by falling back to it', async () => {
    const transports = new Map<string, SSEServerTransport>();
    const base = await listen(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method === 'GET' && url.pathname === '/sse') {
        const transport = new SSEServerTransport('/messages', response);
        transports.set(transport.sessionId, transport);
        await helloServer().connect(transport);
        return;
      }
      if (request.method === 'POST' && url.pathname === '/messages') {
        const transport = transports.get(url.searchParams.get('sessionId') ?? '');
        if (transport) return transport.handlePostMessage(request, response);
      }
      // What an SSE-only server answers to a Streamable HTTP POST.
      response.writeHead(405).end();
    });
    const { info } = hostFor(`${base}/sse`, {});
    await waitFor(() => info()?.status === 'ready', 'the SSE server is ready');
    expect(info()?.tools.map((tool) => tool.name)).toEqual(['hello']);
  });
});
