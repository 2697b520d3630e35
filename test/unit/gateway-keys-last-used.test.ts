import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** The file write of `last_used_at` held until the test lets it go. */
let releaseWrite: () => void = () => {};
let writeStarted = false;
vi.mock('../../src/adapters/gateway/gateway-keys-file.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/adapters/gateway/gateway-keys-file.js')>();
  return {
    ...original,
    changeGatewayKeys: async (...args: Parameters<typeof original.changeGatewayKeys>) => {
      writeStarted = true;
      await new Promise<void>((resolve) => {
        releaseWrite = resolve;
      });
      return original.changeGatewayKeys(...args);
    },
  };
});

const { GatewayKeys } = await import('../../src/adapters/gateway/gateway-keys.js');

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('a gateway key just used', () => {
  it('is listed as used while its date is being written and after', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-keys-'));
    dirs.push(dir);
    const keys = new GatewayKeys({ settingsPath: join(dir, 'settings.yaml'), log: { append: () => {} } });
    const { key } = await keys.create('editor');
    expect(await keys.verify(key)).toBe('editor');
    const used = (await keys.list()).find((info) => info.name === 'editor')?.lastUsedAt;
    expect(used).toEqual(expect.any(String));

    // The write starts (as its timer would start it) and has not landed yet.
    const closing = keys.close();
    await vi.waitFor(() => expect(writeStarted).toBe(true));
    expect((await keys.list()).find((info) => info.name === 'editor')?.lastUsedAt).toBe(used);

    releaseWrite();
    await closing;
    expect((await keys.list()).find((info) => info.name === 'editor')?.lastUsedAt).toBe(used);
  });
});
