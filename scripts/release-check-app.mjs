#!/usr/bin/env node
// Checks a packaged LightChat.app: Electron fuses flipped as electron-builder.yml says, the asar
// holds the electron-vite output and no sources or tests, and Info.plist carries the asar
// integrity hash that the EnableEmbeddedAsarIntegrityValidation fuse checks at launch.
//
//   node scripts/release-check-app.mjs dist/mac-arm64/LightChat.app [more.app …]
//
// Runs in CI on macOS after packaging, and in `npm test` against a fake app bundle.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// @electron/fuses and @electron/asar come with electron-builder: resolve them the way it does.
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const { getCurrentFuseWire, FuseV1Options } = builderRequire('@electron/fuses');
const { listPackage } = builderRequire('@electron/asar');
const plist = require('plist');

/** How a fuse is stored in the Electron binary (@electron/fuses' FuseState, not exported). */
const FuseState = { DISABLE: 0x30, ENABLE: 0x31, REMOVED: 0x72, INHERIT: 0x90 };
const stateName = (byte) =>
  Object.keys(FuseState).find((name) => FuseState[name] === byte) ?? `unknown (${byte})`;

const EXPECTED_FUSES = {
  RunAsNode: FuseState.DISABLE,
  EnableCookieEncryption: FuseState.ENABLE,
  EnableNodeOptionsEnvironmentVariable: FuseState.DISABLE,
  EnableNodeCliInspectArguments: FuseState.DISABLE,
  EnableEmbeddedAsarIntegrityValidation: FuseState.ENABLE,
  OnlyLoadAppFromAsar: FuseState.ENABLE,
};

/** electron-builder writes XML; a binary plist (after other tools) is converted with macOS plutil. */
function readInfoPlist(path) {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 6).toString('latin1') !== 'bplist') return bytes.toString('utf8');
  return execFileSync('plutil', ['-convert', 'xml1', '-o', '-', path], { encoding: 'utf8' });
}

async function checkApp(app) {
  const problems = [];
  const wire = await getCurrentFuseWire(app);
  for (const [name, expected] of Object.entries(EXPECTED_FUSES)) {
    const actual = wire[FuseV1Options[name]];
    if (actual !== expected)
      problems.push(`fuse ${name} is ${stateName(actual)}, expected ${stateName(expected)}`);
  }

  const asarPath = join(app, 'Contents/Resources/app.asar');
  const files = listPackage(asarPath, { isPack: false }).map((file) => file.replaceAll('\\', '/'));
  for (const needed of ['/package.json', '/out/main/index.js']) {
    if (!files.includes(needed)) problems.push(`app.asar lacks ${needed}`);
  }
  const leaked = files.filter((file) => /^\/(src|test)(\/|$)/.test(file));
  if (leaked.length > 0) problems.push(`app.asar holds sources or tests: ${leaked.slice(0, 3).join(', ')}`);

  const info = plist.parse(readInfoPlist(join(app, 'Contents/Info.plist')));
  const integrity = info.ElectronAsarIntegrity?.['Resources/app.asar'];
  if (integrity?.algorithm !== 'SHA256' || typeof integrity.hash !== 'string') {
    problems.push('Info.plist has no ElectronAsarIntegrity for Resources/app.asar');
  }
  return problems;
}

const apps = process.argv.slice(2);
if (apps.length === 0) {
  console.error('usage: node scripts/release-check-app.mjs path/to/LightChat.app [...]');
  process.exit(2);
}
let failed = false;
for (const app of apps) {
  const problems = await checkApp(app);
  console.log(problems.length === 0 ? `ok ${app}` : `FAILED ${app}`);
  for (const problem of problems) console.log(`  ${problem}`);
  failed ||= problems.length > 0;
}
process.exitCode = failed ? 1 : 0;
