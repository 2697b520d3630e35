import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe("the package's export (import … from 'lightchat')", () => {
  it('is a plain conditions object for ".", pointing at the built client and its types', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports).toEqual({
      '.': { types: './out/node/client/index.d.ts', default: './out/node/client/index.js' },
    });
    expect(pkg.types).toBe(pkg.exports['.'].types);
  });
});
