import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_ANSWER } from '../../fixtures/index.js';
import { authHeader, rawRequest } from '../api/support.js';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';

let world: GatewayWorld;
beforeAll(async () => {
  world = await startGatewayWorld({
    ollama: { models: ['llama3.2', 'shared'] },
    openai: { models: ['gpt-4o-mini', 'shared'] },
  });
});
afterAll(() => world.close());

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${world.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeader(world.key), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown };
}

const hi = [{ role: 'user', content: 'Hi' }];

/** A 1×1 PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A 400 in OpenAI's shape whose message says what is wrong. */
function expectBadRequest(answer: { status: number; json: unknown }, param: string | null, words: string) {
  expect(answer.status).toBe(400);
  const { error } = answer.json as OpenAIErrorBody;
  expect(error.type).toBe('invalid_request_error');
  expect(error.param).toBe(param);
  expect(error.message).toContain(words);
}

describe('bad input to /v1/chat/completions', () => {
  it('malformed JSON is 400', async () => {
    expectBadRequest(await post('{"model": "x", "messages": ['), null, 'JSON');
  });

  it('a body that is not an object is 400', async () => {
    expectBadRequest(await post('[1, 2]'), null, 'JSON object');
  });

  it('a missing model is 400 naming it', async () => {
    expectBadRequest(await post({ messages: hi }), 'model', 'model');
  });

  it('empty messages are 400', async () => {
    expectBadRequest(await post({ model: 'fake_ollama/llama3.2', messages: [] }), 'messages', 'at least one');
  });

  it('an unknown role is 400 naming the message', async () => {
    const answer = await post({
      model: 'fake_ollama/llama3.2',
      messages: [{ role: 'wizard', content: 'Hi' }],
    });
    expectBadRequest(answer, 'messages[0].role', '"wizard" is not a role');
  });

  it('n > 1 is 400: one choice only', async () => {
    expectBadRequest(await post({ model: 'fake_ollama/llama3.2', messages: hi, n: 3 }), 'n', 'not supported');
  });

  it('a max_tokens beyond any model is 400; a large one a model may take is passed on', async () => {
    const huge = await post({ model: 'fake_ollama/llama3.2', messages: hi, max_tokens: 1e12 });
    expectBadRequest(huge, 'max_tokens', 'max_tokens');
    const large = await post({ model: 'fake_openai/gpt-4o-mini', messages: hi, max_tokens: 1_000_000_000 });
    expect(large.status).toBe(200);
    expect(large.json).toMatchObject({
      choices: [{ finish_reason: 'stop', message: { content: FAKE_OPENAI_ANSWER } }],
    });
  });

  it('a tool result that answers no earlier call is 400 naming it (Ollama needs the call to name the tool)', async () => {
    const answer = await post({
      model: 'fake_ollama/llama3.2',
      messages: [...hi, { role: 'tool', tool_call_id: 'call_1', content: '42' }],
    });
    expectBadRequest(answer, 'messages[1].tool_call_id', '"call_1" answers no call');
  });

  it('a tool call without a function name, or a tool of another type, is 400', async () => {
    const call = await post({
      model: 'fake_ollama/llama3.2',
      messages: [
        ...hi,
        { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: {} }] },
      ],
    });
    expectBadRequest(call, 'messages[1].tool_calls[0]', 'needs an id and a function with a name');
    const tool = await post({ model: 'fake_ollama/llama3.2', messages: hi, tools: [{ type: 'web_search' }] });
    expectBadRequest(tool, 'tools[0].type', 'tools[0].type');
  });

  it('a tool_choice naming a tool the request does not offer is 400', async () => {
    const tools = [{ type: 'function', function: { name: 'now' } }];
    const answer = await post({
      model: 'fake_openai/gpt-4o-mini',
      messages: hi,
      tools,
      tool_choice: { type: 'function', function: { name: 'later' } },
    });
    expectBadRequest(answer, 'tool_choice', '"later" is not one of the tools');
  });

  const withImage = (url: string, model = 'fake_ollama/llama3.2') =>
    post({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });

  it('an image by http(s) URL is 400: LightChat never fetches URLs for a caller', async () => {
    const before = world.ollama.stats.started;
    const answer = await withImage('http://192.168.1.1/admin.png');
    expectBadRequest(answer, 'messages[0].content[1]', 'does not fetch http(s) URLs');
    expect(world.ollama.stats.started).toBe(before);
  });

  it('a data URL that is not an image it says it is is 400', async () => {
    const text = Buffer.from('just some text').toString('base64');
    const answer = await withImage(`data:image/png;base64,${text}`);
    expectBadRequest(answer, null, 'not a PNG image');
  });

  it('an image for a model known not to see images is 400, before anything is sent', async () => {
    const before = world.ollama.stats.started;
    const answer = await withImage(`data:image/png;base64,${PNG_BASE64}`);
    expectBadRequest(answer, null, 'llama3.2 cannot see images');
    expect((answer.json as OpenAIErrorBody).error.code).toBe('image_not_supported');
    expect(world.ollama.stats.started).toBe(before);
  });

  it('an unknown model id is 404 model_not_found naming the available ids', async () => {
    const answer = await post({ model: 'no-such-model', messages: hi });
    expect(answer.status).toBe(404);
    const { error } = answer.json as OpenAIErrorBody;
    expect(error).toMatchObject({ code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    expect(error.message).toContain('fake_ollama/llama3.2');
    expect(error.message).toContain('fake_openai/gpt-4o-mini');
  });

  it('an id without a provider prefix is resolved when one provider has it', async () => {
    const answer = await post({ model: 'gpt-4o-mini', messages: hi });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      model: 'gpt-4o-mini',
      choices: [{ message: { content: FAKE_OPENAI_ANSWER } }],
    });
  });

  it('an id several providers have is 404 naming the candidates', async () => {
    const answer = await post({ model: 'shared', messages: hi });
    expect(answer.status).toBe(404);
    const { error } = answer.json as OpenAIErrorBody;
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain('fake_ollama/shared');
    expect(error.message).toContain('fake_openai/shared');
  });

  it('takes a 2 MiB conversation, and refuses 33 MiB with 413', async () => {
    const big = await post({
      model: 'fake_ollama/llama3.2',
      messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }],
    });
    expect(big.status).toBe(200);
    const huge = await rawRequest(world.port, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', ...authHeader(world.key) },
      body: JSON.stringify({
        model: 'fake_ollama/llama3.2',
        messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }],
      }),
    });
    expect(huge.status).toBe(413);
    expect((JSON.parse(huge.body) as OpenAIErrorBody).error.code).toBe('payload_too_large');
  });

  it('an unknown /v1 route is 404 in OpenAI shape', async () => {
    const response = await fetch(`${world.baseURL}/nothing-here`, { headers: authHeader(world.key) });
    expect(response.status).toBe(404);
    expect(((await response.json()) as OpenAIErrorBody).error.message).toContain('Invalid URL');
  });
});

describe('web pages and the gateway switch', () => {
  const ALLOWED = 'http://localhost:5173';

  async function setGateway(gateway: { enabled: boolean; corsOrigins: string[] }) {
    const view = world.core.settings.view();
    await world.core.settings.update({ ...view, gateway });
  }

  it('refuses a request from a web page whose origin is not in gateway.cors_origins (403)', async () => {
    const response = await rawRequest(world.port, {
      path: '/v1/models',
      headers: { origin: 'https://evil.example', ...authHeader(world.key) },
    });
    expect(response.status).toBe(403);
    const { error } = JSON.parse(response.body) as OpenAIErrorBody;
    expect(error.code).toBe('forbidden_origin');
    expect(error.message).toContain('gateway.cors_origins');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a listed origin, and its preflight without a key', async () => {
    await setGateway({ enabled: true, corsOrigins: [ALLOWED] });
    try {
      const preflight = await rawRequest(world.port, {
        method: 'OPTIONS',
        path: '/v1/chat/completions',
        headers: {
          origin: ALLOWED,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-stainless-os',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(preflight.headers['access-control-allow-headers']).toContain('x-stainless-os');
      const models = await rawRequest(world.port, {
        path: '/v1/models',
        headers: { origin: ALLOWED, 'sec-fetch-site': 'cross-site', ...authHeader(world.key) },
      });
      expect(models.status).toBe(200);
      expect(models.headers['access-control-allow-origin']).toBe(ALLOWED);
      // Only /v1 answers web pages: the rest of the API still refuses them.
      const config = await rawRequest(world.port, {
        path: '/config',
        headers: { origin: ALLOWED, ...world.auth },
      });
      expect(config.status).toBe(403);
    } finally {
      await setGateway({ enabled: true, corsOrigins: [] });
    }
  });

  it('answers 404 on /v1 while gateway.enabled is false', async () => {
    await setGateway({ enabled: false, corsOrigins: [] });
    try {
      const response = await fetch(`${world.baseURL}/models`, { headers: authHeader(world.key) });
      expect(response.status).toBe(404);
      expect(((await response.json()) as OpenAIErrorBody).error.message).toContain('gateway.enabled');
    } finally {
      await setGateway({ enabled: true, corsOrigins: [] });
    }
  });
});
