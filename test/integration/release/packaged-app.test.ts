import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Configuration } from 'electron-builder';
import plist from 'plist';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { fromRoot } from './release-files.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));

// The copies electron-builder itself uses (resolved from app-builder-lib, not hoisting luck).
const { flipFuses } = builderRequire('@electron/fuses') as typeof import('@electron/fuses');
const { createPackage } = builderRequire('@electron/asar') as typeof import('@electron/asar');

interface FuseConfigGenerator {
  generateFuseConfig(this: null, fuses: Configuration['electronFuses']): Promise<FuseConfig>;
}
type FuseConfig = Parameters<typeof flipFuses>[1];

const config = parse(readFileSync(fromRoot('electron-builder.yml'), 'utf8')) as Configuration;

/** electron-builder's own translation of `electronFuses` into an @electron/fuses wire config. */
async function fuseConfigFromElectronBuilder(): Promise<FuseConfig> {
  builderRequire('app-builder-lib'); // loads its modules in the order platformPackager expects
  const { PlatformPackager } = builderRequire('app-builder-lib/out/platformPackager.js') as {
    PlatformPackager: { prototype: FuseConfigGenerator };
  };
  // resetAdHocDarwinSignature runs macOS `codesign`; it has nothing to do with the fuse wire.
  const fuses = { ...config.electronFuses, resetAdHocDarwinSignature: false };
  return PlatformPackager.prototype.generateFuseConfig.call(null, fuses);
}

/** Electron's fuse sentinel, wire version 1, 8 fuses in Electron's shipped default states. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_WIRE = '10110001';

/** A LightChat.app with the parts the check reads: Electron Framework, app.asar, Info.plist. */
async function fakeApp(appFiles: Record<string, string>): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'lightchat-app-'));
  const app = join(root, 'LightChat.app');
  const framework = join(app, 'Contents/Frameworks/Electron Framework.framework/Electron Framework');
  mkdirSync(dirname(framework), { recursive: true });
  writeFileSync(
    framework,
    Buffer.concat([
      Buffer.from('binary before'),
      Buffer.from(SENTINEL),
      Buffer.from([1, 8]),
      Buffer.from(DEFAULT_WIRE),
      Buffer.from('binary after'),
    ]),
  );
  const staging = join(root, 'app');
  for (const [path, text] of Object.entries(appFiles)) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), text);
  }
  mkdirSync(join(app, 'Contents/Resources'), { recursive: true });
  await createPackage(staging, join(app, 'Contents/Resources/app.asar'));
  writeFileSync(
    join(app, 'Contents/Info.plist'),
    plist.build({
      CFBundleName: 'LightChat',
      ElectronAsarIntegrity: { 'Resources/app.asar': { algorithm: 'SHA256', hash: 'a'.repeat(64) } },
    }),
  );
  return app;
}

const builtApp = {
  'package.json': '{"name":"lightchat","main":"out/main/index.js"}',
  'out/main/index.js': 'export {};',
  'out/preload/index.mjs': 'export {};',
  'out/renderer/index.html': '<!doctype html>',
};

async function checkApp(app: string): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [fromRoot('scripts/release-check-app.mjs'), app]);
    return { exitCode: 0, output: stdout };
  } catch (error) {
    const failed = z.object({ code: z.number(), stdout: z.string(), stderr: z.string() }).parse(error);
    return { exitCode: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('packaged app check (scripts/release-check-app.mjs, run on macOS CI after packaging)', () => {
  it('passes an app whose fuses electron-builder flipped from electron-builder.yml', async () => {
    const app = await fakeApp(builtApp);
    expect(await flipFuses(app, await fuseConfigFromElectronBuilder())).toBe(1);
    const { exitCode, output } = await checkApp(app);
    expect(output).toContain('ok ');
    expect(exitCode).toBe(0);
  });

  it("fails an app that still has Electron's default fuses", async () => {
    const app = await fakeApp(builtApp);
    const { exitCode, output } = await checkApp(app);
    expect(exitCode).toBe(1);
    expect(output).toContain('fuse RunAsNode is ENABLE, expected DISABLE');
    expect(output).toContain('fuse OnlyLoadAppFromAsar is DISABLE, expected ENABLE');
  });

  it('fails an app that packed sources or lacks the main bundle', async () => {
    const app = await fakeApp({ 'package.json': '{}', 'src/main/index.ts': 'export {};' });
    await flipFuses(app, await fuseConfigFromElectronBuilder());
    const { exitCode, output } = await checkApp(app);
    expect(exitCode).toBe(1);
    expect(output).toContain('app.asar lacks /out/main/index.js');
    expect(output).toMatch(/app\.asar holds sources or tests: \/src\b/);
  });
});
