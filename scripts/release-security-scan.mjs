#!/usr/bin/env node
// Electron security scan of the desktop host (Electronegativity), offline, against a baseline.
//
//   node scripts/release-security-scan.mjs [--root DIR] [--out FILE.csv] [--electron VERSION]
//
// Scans DIR/src/main, DIR/src/preload and DIR/src/renderer/index.html (where the window's CSP
// lives), writes every finding to the CSV file (Electronegativity's columns) and exits 1 when a
// HIGH or MEDIUM finding is not accepted in .electronegativity-baseline.json.
//
// Why not the `electronegativity` CLI: its bin resolves whichever `commander` is hoisted (ours is
// 15, whose API it cannot use), it fetches translations and Electron release data over the
// network, and its CSV writer races its header against its rows. The runner it exports is fine.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const BLOCKING = new Set(['HIGH', 'MEDIUM']);
/** What the scanner says about a main process that has no window yet: nothing to fix until it has one. */
const NO_WINDOW_YET = new Set([
  'LIMIT_NAVIGATION_GLOBAL_CHECK',
  'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
  'CSP_GLOBAL_CHECK',
]);

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: repoRoot },
    out: { type: 'string', default: join(repoRoot, 'dist', 'electronegativity.csv') },
    electron: { type: 'string' },
    baseline: { type: 'string', default: join(repoRoot, '.electronegativity-baseline.json') },
  },
});

const electronVersion =
  values.electron ?? JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const baseline = JSON.parse(readFileSync(values.baseline, 'utf8'));
const accepted = new Map(baseline.accepted.map((entry) => [entry.check, entry.reason]));

/** Copies what the scan covers into a temp dir, so paths in findings read `src/main/…`. */
function stage(root) {
  const staging = mkdtempSync(join(tmpdir(), 'lightchat-scan-'));
  for (const dir of ['src/main', 'src/preload']) {
    const from = join(root, dir);
    if (existsSync(from)) cpSync(from, join(staging, dir), { recursive: true });
  }
  const html = join(root, 'src/renderer/index.html');
  if (existsSync(html)) {
    mkdirSync(join(staging, 'src/renderer'), { recursive: true });
    cpSync(html, join(staging, 'src/renderer/index.html'));
  }
  return staging;
}

function createsWindow(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).some(
    (entry) =>
      entry.isFile() &&
      /\.[cm]?[jt]sx?$/.test(entry.name) &&
      /\bnew\s+BrowserWindow\s*\(/.test(readFileSync(join(entry.parentPath, entry.name), 'utf8')),
  );
}

/** Keeps the scanner offline: its translation and Electron-release look-ups get an immediate failure. */
function loadOfflineRunner() {
  const scannerRequire = createRequire(require.resolve('@doyensec/electronegativity'));
  const gotPath = scannerRequire.resolve('got');
  const offline = () => Promise.reject(new Error('offline by design'));
  scannerRequire.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  return scannerRequire('@doyensec/electronegativity');
}

async function scan(input) {
  const run = loadOfflineRunner();
  process.env.LANG = 'en-US';
  const log = console.log;
  // The scanner announces its (blocked) look-ups on stdout; they are expected here.
  console.log = (...args) => {
    if (!/translations for the current locale|fetching Electron's releases/.test(String(args[0])))
      log(...args);
  };
  try {
    return await run(
      {
        input,
        customScan: [],
        // The only check that needs the network (known security fixes per Electron release).
        excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
        isRelative: true,
        isVerbose: false,
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = log;
  }
}

const csvCell = (value) => (value == null ? 'N/A' : `"${String(value).replace(/"/g, '""')}"`);

function toCsv(issues) {
  const header = 'issue,severity,confidence,filename,location,sample,description,url';
  const rows = issues.map((issue) =>
    [
      issue.id,
      csvCell(issue.severity.name),
      csvCell(issue.confidence.name),
      csvCell(issue.file),
      csvCell(`${issue.location.line}:${issue.location.column}`),
      csvCell(issue.sample),
      csvCell(issue.description),
      `https://github.com/doyensec/electronegativity/wiki/${issue.id}`,
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

const staging = stage(resolve(values.root));
try {
  const hasWindow = createsWindow(join(staging, 'src/main'));
  const result = await scan(staging);
  mkdirSync(dirname(resolve(values.out)), { recursive: true });
  writeFileSync(values.out, toCsv(result.issues));

  const blocking = result.issues.filter((issue) => BLOCKING.has(issue.severity.name));
  const failures = blocking.filter(
    (issue) => !accepted.has(issue.id) && (hasWindow || !NO_WINDOW_YET.has(issue.id)),
  );
  for (const error of result.errors.filter((entry) => !entry.tolerable)) {
    failures.push({
      id: 'PARSE_ERROR',
      severity: { name: 'HIGH' },
      file: error.file,
      description: error.message,
    });
  }

  console.log(
    `Electronegativity (Electron ${electronVersion}): ${result.issues.length} findings, ${blocking.length} HIGH/MEDIUM, ${failures.length} not accepted. CSV: ${values.out}`,
  );
  if (!hasWindow) console.log('No BrowserWindow in src/main yet: window-level global checks are pending.');
  for (const issue of failures) {
    console.log(`  ${issue.severity.name} ${issue.id} ${issue.file}: ${issue.description}`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
} finally {
  rmSync(staging, { recursive: true, force: true });
}
