import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromRoot } from './release-files.js';

const run = promisify(execFile);

const baselineSchema = z.object({
  accepted: z.array(z.object({ check: z.string(), reason: z.string() })),
});
const baseline = baselineSchema.parse(
  JSON.parse(readFileSync(fromRoot('.electronegativity-baseline.json'), 'utf8')),
);
const acceptedChecks = new Set(baseline.accepted.map((entry) => entry.check));

/** What the scanner reports for a main process without a window; the script waits for one. */
const NO_WINDOW_YET = [
  'LIMIT_NAVIGATION_GLOBAL_CHECK',
  'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
  'CSP_GLOBAL_CHECK',
];

interface Finding {
  check: string;
  severity: string;
  file: string;
}

/** Electronegativity's CSV: quoted cells with "" escapes, which may span lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  return rows;
}

function readFindings(csvPath: string): Finding[] {
  const [header, ...rows] = parseCsv(readFileSync(csvPath, 'utf8'));
  expect(header).toEqual([
    'issue',
    'severity',
    'confidence',
    'filename',
    'location',
    'sample',
    'description',
    'url',
  ]);
  return rows.map(([check = '', severity = '', , file = '']) => ({ check, severity, file }));
}

const blocking = (findings: Finding[]) =>
  findings.filter((finding) => finding.severity === 'HIGH' || finding.severity === 'MEDIUM');

/** Runs the scan script the way CI does; resolves with its exit code and findings. */
async function scan(root?: string): Promise<{ exitCode: number; findings: Finding[]; output: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'lightchat-scan-out-')), 'electronegativity.csv');
  const args = [fromRoot('scripts/release-security-scan.mjs'), '--out', out, '--electron', '45.4.1'];
  if (root) args.push('--root', root);
  try {
    const { stdout } = await run(process.execPath, args, { timeout: 30_000 });
    return { exitCode: 0, findings: readFindings(out), output: stdout };
  } catch (error) {
    const failed = z.object({ code: z.number(), stdout: z.string() }).parse(error);
    return {
      exitCode: failed.code,
      findings: existsSync(out) ? readFindings(out) : [],
      output: failed.stdout,
    };
  }
}

/** A throwaway project with the given files (paths relative to its root). */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'lightchat-scan-project-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const preload = `import { contextBridge, ipcRenderer } from 'electron';
contextBridge.exposeInMainWorld('lightchat', { send: (message: unknown) => ipcRenderer.send('trpc', message) });
`;

/** The window settings src/main needs to pass (the reference for the desktop host). */
const secureMain = `import { app, BrowserWindow, session, shell } from 'electron';
const isWebLink = (url: string) => url.startsWith('https://') || url.startsWith('http://');
app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const window = new BrowserWindow({
    webPreferences: {
      preload: 'preload.mjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isWebLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  void window.loadFile('index.html');
});
`;
const csp = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy"
  content="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'">
  </head><body><div id="root"></div></body></html>`;

describe('Electron security scan (Electronegativity)', () => {
  it('accepts only the preload and openExternal checks, each with its reason', () => {
    expect([...acceptedChecks].sort()).toEqual(['OPEN_EXTERNAL_JS_CHECK', 'PRELOAD_JS_CHECK']);
    for (const entry of baseline.accepted) expect(entry.reason.length).toBeGreaterThan(40);
  });

  it('finds no HIGH or MEDIUM issue in src/main and src/preload beyond the baseline', async () => {
    const { exitCode, findings, output } = await scan();
    const mainFiles = existsSync(fromRoot('src/main'))
      ? readdirSync(fromRoot('src/main'), { recursive: true })
      : [];
    const hasWindow = mainFiles.some(
      (file) =>
        /\.[cm]?[jt]sx?$/.test(String(file)) &&
        /\bnew\s+BrowserWindow\s*\(/.test(readFileSync(fromRoot(join('src/main', String(file))), 'utf8')),
    );
    const allowed = new Set([...acceptedChecks, ...(hasWindow ? [] : NO_WINDOW_YET)]);
    const unexpected = blocking(findings).filter((finding) => !allowed.has(finding.check));
    expect(unexpected, output).toEqual([]);
    expect(exitCode, output).toBe(0);
  });

  it('passes a window with sandbox, navigation limits, a permission handler, a CSP and no auxclick', async () => {
    const root = project({
      'src/main/index.ts': secureMain,
      'src/preload/index.ts': preload,
      'src/renderer/index.html': csp,
    });
    const { exitCode, findings, output } = await scan(root);
    expect(
      blocking(findings)
        .map((finding) => finding.check)
        .sort(),
      output,
    ).toEqual(['OPEN_EXTERNAL_JS_CHECK', 'PRELOAD_JS_CHECK']);
    expect(exitCode).toBe(0);
  });

  it('fails an insecure window (the scan can fail)', async () => {
    const root = project({
      'src/main/index.ts': `import { BrowserWindow } from 'electron';
new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } }).loadURL('http://example.com');
`,
    });
    const { exitCode, findings } = await scan(root);
    expect(exitCode).toBe(1);
    expect(blocking(findings).map((finding) => finding.check)).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
      ]),
    );
  });
});
