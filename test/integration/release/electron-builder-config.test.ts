import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { Configuration, TargetConfiguration } from 'electron-builder';
import plist from 'plist';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fromRoot, readPackageJson } from './release-files.js';

const config = parse(readFileSync(fromRoot('electron-builder.yml'), 'utf8')) as Configuration;
const mac = config.mac ?? {};

/** The schema electron-builder validates its own configuration with, from the installed version. */
function compileElectronBuilderSchema() {
  const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
  const schema: object = JSON.parse(
    readFileSync(requireFromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8'),
  );
  // The options electron-builder itself uses (app-builder-lib schemaValidator).
  return new Ajv({ allErrors: true, coerceTypes: true, strict: false }).compile(schema);
}

function macTargets(): TargetConfiguration[] {
  const target = mac.target;
  const list = Array.isArray(target) ? target : target == null ? [] : [target];
  return list.map((entry) => (typeof entry === 'string' ? { target: entry } : entry));
}

describe('electron-builder.yml', () => {
  const validate = compileElectronBuilderSchema();

  it('matches the schema of the installed electron-builder', () => {
    const valid = validate(structuredClone(config));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would catch a misspelt option (the schema check can fail)', () => {
    const broken = { ...config, mac: { ...mac, hardenedRuntim: true } };
    expect(validate(broken)).toBe(false);
  });

  it('names the app LightChat and keeps build resources in build/', () => {
    expect(config.productName).toBe('LightChat');
    expect(config.appId).toMatch(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/);
    expect(config.directories?.buildResources).toBe('build');
  });

  it('packs the electron-vite output and never sources or tests', () => {
    const files = config.files as string[];
    expect(files).toContain('out/**/*');
    expect(files).toEqual(expect.arrayContaining(['!src/**', '!test/**']));
    expect(readPackageJson().main).toMatch(/^out\/main\//);
  });

  it('builds a hardened, notarized app with V8-only entitlements', () => {
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.gatekeeperAssess).toBe(false);
    expect(mac.notarize).toBe(true);
    expect(mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(mac.entitlementsInherit).toBe('build/entitlements.mac.plist');
  });

  it('has an entitlements file that parses as a plist with exactly the JIT entitlements', () => {
    const entitlements = plist.parse(readFileSync(fromRoot(mac.entitlements ?? ''), 'utf8'));
    expect(entitlements).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.cs.allow-unsigned-executable-memory': true,
    });
  });

  it('makes a dmg for people and a zip for electron-updater, for arm64 and x64 each', () => {
    const targets = macTargets();
    expect(targets.map((entry) => entry.target).sort()).toEqual(['dmg', 'zip']);
    for (const entry of targets) expect(entry.arch).toEqual(['arm64', 'x64']);
    // Per-arch files must not overwrite each other, and the updater tells them apart by name.
    expect(mac.artifactName).toContain('$' + '{arch}'); // electron-builder's macro, not a JS template
  });

  it('publishes to GitHub Releases of the repository named in package.json', () => {
    expect(config.publish).toMatchObject({ provider: 'github' });
    expect(readPackageJson().repository.url).toMatch(/github\.com\/lightchat-app\/lightchat(\.git)?$/);
  });

  it('flips the Electron fuses of the security guide', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    // Asar integrity and asar-only loading mean nothing without an asar archive.
    expect(config.asar).not.toBe(false);
  });

  it('has a 1024×1024 PNG icon (electron-builder makes the icns from it on macOS)', () => {
    const png = readFileSync(fromRoot(mac.icon ?? ''));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });
});
