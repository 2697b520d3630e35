import { afterEach, describe, expect, it } from 'vitest';
import { HANG_MS } from '../../fixtures/index.js';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';

let world: GatewayWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function modelIds(current: GatewayWorld): Promise<string[]> {
  const page = await current.client().models.list();
  return page.data.map((model) => model.id);
}

describe('GET /v1/models', () => {
  it("lists every provider's models as <provider_id>/<model>, owned by the provider", async () => {
    world = await startGatewayWorld({
      ollama: { models: ['llama3.2'] },
      openai: { models: ['gpt-4o-mini'] },
    });
    const response = await fetch(`${world.baseURL}/models`, {
      headers: { authorization: `Bearer ${world.key}` },
    });
    const body = (await response.json()) as { object: string; data: Record<string, unknown>[] };
    expect(body.object).toBe('list');
    expect(body.data).toContainEqual({
      id: 'fake_ollama/llama3.2',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'fake_ollama',
    });
    expect(body.data).toContainEqual({
      id: 'fake_openai/gpt-4o-mini',
      object: 'model',
      created: 1_735_689_600,
      owned_by: 'fake_openai',
    });
  });

  it('leaves out a provider that is down, and logs it in the call entry', async () => {
    world = await startGatewayWorld({ ollama: { listFault: { refuse: true } } });
    const ids = await modelIds(world);
    expect(ids).toEqual(['fake_openai/gpt-4o-mini']);
    await world.core.logs.flush();
    const call = (await world.core.logs.recent(100)).findLast((entry) => entry.eventType === 'gateway_call');
    expect(call?.details?.providers_left_out).toEqual([
      { provider_id: 'fake_ollama', error_code: 'PROVIDER_UNREACHABLE' },
    ]);
  });

  it('answers without a provider that hangs (it waits 3 s for it, not longer)', async () => {
    world = await startGatewayWorld({ ollama: { listFault: { delayFirstMs: HANG_MS * 10, status: 500 } } });
    const ids = await modelIds(world);
    expect(ids).toEqual(['fake_openai/gpt-4o-mini']);
  });
});
