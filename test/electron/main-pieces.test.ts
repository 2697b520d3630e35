import { describe, expect, it } from 'vitest';
import { HttpApi, type HttpApiServer } from '../../src/main/http-api.js';
import { rendererLocation } from '../../src/main/renderer-location.js';
import { isAllowedExternalUrl } from '../../src/main/security.js';
import { importLoginShellEnv } from '../../src/main/shell-env.js';
import { proxyUrlOf, systemProxyResolver } from '../../src/main/system-proxy.js';

describe('the login shell import', () => {
  it('keeps the app starting when the shell profile hangs', async () => {
    const env: Record<string, string | undefined> = { PATH: '/usr/bin' };
    const result = await importLoginShellEnv({
      platform: 'darwin',
      env,
      loadShellEnv: () => new Promise(() => undefined),
      timeoutMs: 20,
    });
    expect(result).toMatchObject({ imported: false, reason: 'failed' });
    expect(env).toEqual({ PATH: '/usr/bin' });
  });

  it('keeps variables the process already has, except PATH', async () => {
    const env: Record<string, string | undefined> = { PATH: '/usr/bin', OPENAI_API_KEY: 'sk-launch' };
    await importLoginShellEnv({
      platform: 'darwin',
      env,
      loadShellEnv: async () => ({
        PATH: '/opt/homebrew/bin:/usr/bin',
        OPENAI_API_KEY: 'sk-shell',
        HTTPS_PROXY: 'http://p:3128',
      }),
    });
    expect(env).toEqual({
      PATH: '/opt/homebrew/bin:/usr/bin',
      OPENAI_API_KEY: 'sk-launch',
      HTTPS_PROXY: 'http://p:3128',
    });
  });
});

describe('the system proxy', () => {
  it('reads Chromium’s PAC answer', () => {
    expect(proxyUrlOf('DIRECT')).toBeNull();
    expect(proxyUrlOf('PROXY proxy.corp:3128; DIRECT')).toBe('http://proxy.corp:3128');
    expect(proxyUrlOf('HTTPS secure.corp:443')).toBe('https://secure.corp:443');
  });

  it('asks once per origin, and not at all when the environment names a proxy', async () => {
    const asked: string[] = [];
    const resolver = systemProxyResolver({
      env: {},
      resolveProxy: async (url) => {
        asked.push(url);
        return url.includes('lan') ? 'DIRECT' : 'PROXY proxy.corp:3128';
      },
    });
    expect(await resolver?.('https://api.openai.com/v1')).toBe('http://proxy.corp:3128');
    expect(await resolver?.('https://api.openai.com/v1/')).toBe('http://proxy.corp:3128');
    expect(await resolver?.('http://ollama.lan:11434')).toBeNull();
    expect(asked).toEqual(['https://api.openai.com/', 'http://ollama.lan:11434/']);

    const failing = systemProxyResolver({ env: {}, resolveProxy: () => Promise.reject(new Error('no PAC')) });
    expect(await failing?.('https://api.openai.com/v1')).toBeNull();
    expect(
      systemProxyResolver({ env: { https_proxy: 'http://mine:8080' }, resolveProxy: async () => 'DIRECT' }),
    ).toBeNull();
  });
});

describe('external links', () => {
  it('allows https: and mailto: only', () => {
    expect(isAllowedExternalUrl('https://ollama.com')).toBe(true);
    expect(isAllowedExternalUrl('mailto:a@b.c')).toBe(true);
    for (const url of [
      'http://example.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:x',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url)).toBe(false);
    }
  });
});

describe('our own page', () => {
  it('is the built index.html, whatever its hash, and nothing else on disk', () => {
    const page = rendererLocation({ mainDir: '/App/out/main', isPackaged: true });
    expect(page.url).toBe('file:///App/out/renderer/index.html');
    expect(page.isOwnUrl('file:///App/out/renderer/index.html#/settings')).toBe(true);
    expect(page.isOwnUrl('file:///App/out/renderer/other.html')).toBe(false);
    expect(page.isOwnUrl('file:///Users/me/Downloads/index.html')).toBe(false);
    expect(page.isOwnUrl('https://attacker.example/out/renderer/index.html')).toBe(false);
  });

  it('is the dev server’s origin in development, never in a packaged app', () => {
    const dev = rendererLocation({
      mainDir: '/x/out/main',
      isPackaged: false,
      devServerUrl: 'http://localhost:5173',
    });
    expect(dev.isOwnUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev.isOwnUrl('http://localhost:5174/')).toBe(false);
    const packaged = rendererLocation({
      mainDir: '/x/out/main',
      isPackaged: true,
      devServerUrl: 'http://localhost:5173',
    });
    expect(packaged.kind).toBe('file');
  });
});

describe('the HTTP API follows the settings', () => {
  function fakeServers() {
    const started: number[] = [];
    const closed: number[] = [];
    const api = new HttpApi({
      async start(port): Promise<HttpApiServer> {
        started.push(port);
        return {
          url: `http://127.0.0.1:${port}`,
          close: async () => {
            closed.push(port);
          },
        };
      },
      log: { append: () => undefined },
    });
    return { api, started, closed };
  }

  it('moves to a new port and stops when disabled', async () => {
    const { api, started, closed } = fakeServers();
    await api.apply({ enabled: true, port: 8000 });
    await api.apply({ enabled: true, port: 8000 });
    await api.apply({ enabled: true, port: 8001 });
    await api.apply({ enabled: false, port: 8001 });
    expect(started).toEqual([8000, 8001]);
    expect(closed).toEqual([8000, 8001]);
    expect(api.status()).toMatchObject({ enabled: false, running: false });
  });

  it('tries the port again when settings are applied after it was taken (EADDRINUSE)', async () => {
    let busy = true;
    const attempts: number[] = [];
    const api = new HttpApi({
      async start(port): Promise<HttpApiServer> {
        attempts.push(port);
        if (busy)
          throw Object.assign(new Error(`listen EADDRINUSE: 127.0.0.1:${port}`), { code: 'EADDRINUSE' });
        return { url: `http://127.0.0.1:${port}`, close: async () => undefined };
      },
      log: { append: () => undefined },
    });
    await api.apply({ enabled: true, port: 8000 });
    expect(api.status()).toMatchObject({
      running: false,
      error: expect.stringMatching(/8000 is already in use/),
    });

    busy = false; // the other program let go of the port; any settings change applies them again
    await api.apply({ enabled: true, port: 8000 });
    expect(attempts).toEqual([8000, 8000]);
    expect(api.status()).toMatchObject({ running: true, url: 'http://127.0.0.1:8000', error: null });
  });
});
