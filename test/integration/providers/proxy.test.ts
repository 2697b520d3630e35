import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProviderFactories,
  matchesNoProxy,
  proxyRoute,
} from '../../../src/adapters/providers/index.js';
import type { ProviderConfig } from '../../../src/domain/settings.js';
import { refusedUrl } from '../../fixtures/refused-url.js';
import { drain, rejection, SSE_DONE, sseChunk, sseUsage } from './support.js';

// No MSW here: these requests go over real sockets, to servers on 127.0.0.1 only.

describe('which requests go through a proxy', () => {
  const env = {
    HTTPS_PROXY: 'http://corp:3128',
    HTTP_PROXY: 'http://plain:3128',
    NO_PROXY: 'internal.example,.corp.lan:8443',
  };

  it('never proxies loopback hosts, whatever the settings and environment say', () => {
    for (const host of ['http://127.0.0.1:11434', 'http://localhost:1234/v1', 'http://[::1]:8080']) {
      expect(proxyRoute({ host, proxy: 'http://p:1', env })).toEqual({ via: 'direct', reason: 'loopback' });
    }
  });

  it("uses the provider's own proxy before the environment", () => {
    expect(proxyRoute({ host: 'https://api.openai.com/v1', proxy: 'http://mine:8080', env })).toEqual({
      via: 'proxy',
      url: 'http://mine:8080',
      source: 'settings',
    });
  });

  it('uses HTTPS_PROXY for https hosts and HTTP_PROXY for http hosts', () => {
    expect(proxyRoute({ host: 'https://api.openai.com/v1', env })).toMatchObject({
      url: 'http://corp:3128',
      source: 'env',
    });
    expect(proxyRoute({ host: 'http://ollama.lan:11434', env })).toMatchObject({ url: 'http://plain:3128' });
    expect(
      proxyRoute({ host: 'https://api.openai.com/v1', env: { https_proxy: 'http://lower:1' } }),
    ).toMatchObject({
      url: 'http://lower:1',
    });
  });

  it('goes direct when no proxy is set or NO_PROXY names the host', () => {
    expect(proxyRoute({ host: 'https://api.openai.com/v1', env: {} })).toEqual({
      via: 'direct',
      reason: 'none',
    });
    expect(proxyRoute({ host: 'https://internal.example/v1', env })).toEqual({
      via: 'direct',
      reason: 'no_proxy',
    });
    expect(proxyRoute({ host: 'https://llm.internal.example/v1', env })).toMatchObject({ via: 'direct' });
  });

  it('reads NO_PROXY entries with wildcards, leading dots and ports', () => {
    const url = (value: string) => new URL(value);
    expect(matchesNoProxy(url('https://a.corp.lan:8443'), '.corp.lan:8443')).toBe(true);
    expect(matchesNoProxy(url('https://a.corp.lan'), '.corp.lan:8443')).toBe(false);
    expect(matchesNoProxy(url('https://a.corp.lan'), '*.corp.lan')).toBe(true);
    expect(matchesNoProxy(url('https://anything.example'), '*')).toBe(true);
    expect(matchesNoProxy(url('https://notcorp.lan'), 'corp.lan')).toBe(false);
    expect(matchesNoProxy(url('https://api.openai.com'), undefined)).toBe(false);
  });
});

/** A forward proxy that answers absolute-form requests itself and records what it was asked. */
function tinyProxy() {
  const seen: { url: string; proxyAuthorization: string | undefined }[] = [];
  let answer407 = false;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push({ url: request.url ?? '', proxyAuthorization: request.headers['proxy-authorization'] });
    if (answer407) {
      response.writeHead(407, { 'proxy-authenticate': 'Basic realm="corp"' }).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'x' }],
        }),
      );
    } else if (path === '/api/tags') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ models: [{ name: 'llama3.2:latest', size: 1 }] }));
    } else {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        `${sseChunk({ content: 'via proxy' })}${sseChunk({}, 'stop')}${sseUsage(3, 2)}${SSE_DONE}`,
      );
    }
  });
  return {
    seen,
    server,
    refuseCredentials: (value: boolean) => {
      answer407 = value;
    },
    url: () => `127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

describe('requests through a proxy (real sockets)', () => {
  const proxy = tinyProxy();
  const direct = tinyProxy(); // stands in for a local OpenAI-compatible server

  beforeAll(async () => {
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => direct.server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const { server } of [proxy, direct]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  const remote = (overrides: Partial<ProviderConfig>, env: Record<string, string> = {}) =>
    createProviderFactories({ env }).openai({
      id: 'openai',
      name: null,
      type: 'openai',
      host: 'http://api.lightchat.test/v1',
      apiKey: 'sk-proxy-test-key-0123456789',
      defaultModel: null,
      systemPrompt: null,
      ...overrides,
    });

  it("sends a provider's requests through its own proxy, with the proxy's credentials", async () => {
    proxy.seen.length = 0;
    const provider = remote({ proxy: `http://alice:s3cret@${proxy.url()}` });
    expect(await provider.listModels()).toEqual([{ id: 'gpt-4o', name: 'gpt-4o' }]);
    const { chunks } = await drain(provider, { model: 'gpt-4o' });
    expect(chunks[0]).toEqual({ type: 'token', text: 'via proxy' });
    expect(proxy.seen.map(({ url }) => url)).toEqual([
      'http://api.lightchat.test/v1/models',
      'http://api.lightchat.test/v1/chat/completions',
    ]);
    expect(proxy.seen[0]?.proxyAuthorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  });

  it('uses HTTP_PROXY from the environment when the provider sets no proxy (Ollama too)', async () => {
    proxy.seen.length = 0;
    const ollama = createProviderFactories({ env: { HTTP_PROXY: `http://${proxy.url()}` } }).ollama({
      id: 'ollama_lan',
      name: null,
      type: 'ollama',
      host: 'http://ollama.lightchat.test:11434',
      defaultModel: null,
      systemPrompt: null,
    });
    // The proxy answers /api/show with no capabilities: the list says it can't tell (null).
    expect(await ollama.listModels()).toEqual([
      { id: 'llama3.2:latest', name: 'llama3.2:latest', sizeBytes: 1, capabilities: null },
    ]);
    const asked = proxy.seen.map(({ url }) => url);
    expect(asked).toContain('http://ollama.lightchat.test:11434/api/tags');
    expect(asked).toContain('http://ollama.lightchat.test:11434/api/show');
    for (const url of asked) expect(url).toMatch(/^http:\/\/ollama\.lightchat\.test:11434\/api\//);
  });

  it('goes straight to a loopback host even when HTTP_PROXY is set', async () => {
    proxy.seen.length = 0;
    direct.seen.length = 0;
    const local = createProviderFactories({ env: { HTTP_PROXY: `http://${proxy.url()}` } }).openai({
      id: 'local',
      name: null,
      type: 'openai',
      host: `http://${direct.url()}/v1`,
      defaultModel: null,
      systemPrompt: null,
    });
    expect(await local.listModels()).toHaveLength(1);
    expect(proxy.seen).toEqual([]);
    expect(direct.seen.map(({ url }) => url)).toEqual(['/v1/models']);
  });

  it('says the proxy refused the credentials (407) without printing them', async () => {
    proxy.refuseCredentials(true);
    try {
      const error = await rejection(remote({ proxy: `http://alice:s3cret@${proxy.url()}` }).listModels());
      expect(error.code).toBe('PROVIDER_UNAUTHORIZED');
      expect(error.message).toContain(`http://***@${proxy.url()}`);
      expect(JSON.stringify([error.message, error.details])).not.toContain('s3cret');
    } finally {
      proxy.refuseCredentials(false);
    }
  });

  it('names the proxy, masked, when the proxy itself refuses the connection', async () => {
    const dead = (await refusedUrl()).replace('http://', 'http://bob:pa55word@');
    const { error } = await drain(remote({ proxy: dead }), { model: 'gpt-4o' });
    expect(error).toMatchObject({ code: 'PROVIDER_UNREACHABLE', failure: 'connection' });
    expect(error?.message).toMatch(/^The proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+ refused the connection/);
    expect(JSON.stringify([error?.message, error?.details])).not.toContain('pa55word');
  });
});
