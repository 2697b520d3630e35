import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractPdfText } from '../../../src/adapters/store/pdf-text.js';
import type { AppError } from '../../../src/domain/errors.js';
import { pdfBytes } from '../../fixtures/files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lightchat-pdf-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function pdf(name: string, pages: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, pdfBytes(pages));
  return path;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: AppError) => error,
  );

describe('PDF text in a worker thread', () => {
  it('reads the text of every page', async () => {
    expect(await extractPdfText(await pdf('two.pdf', ['First (page)', 'Second']), 'two.pdf')).toBe(
      'First (page)\n\nSecond',
    );
  });

  it('refuses a PDF over the page limit', async () => {
    const error = await failure(
      extractPdfText(await pdf('three.pdf', ['a', 'b', 'c']), 'three.pdf', { maxPages: 2 }),
    );
    expect(error.code).toBe('ATTACHMENT_UNSUPPORTED');
    expect(error.details).toMatchObject({ reason: 'too_many_pages', name: 'three.pdf' });
    expect(error.message).toContain('3 pages');
  });

  it('stops a reader that runs past its time limit', async () => {
    // 1 ms: the worker cannot even load; what is tested is that the limit stops it and says so.
    const error = await failure(extractPdfText(await pdf('slow.pdf', ['x']), 'slow.pdf', { timeoutMs: 1 }));
    expect(error.details).toMatchObject({ reason: 'pdf_timeout' });
  });

  it('stops a reader that needs more memory than it may have', async () => {
    const pages = Array.from(
      { length: 400 },
      (_, index) => `${'Lorem ipsum dolor sit amet '.repeat(80)}${index}`,
    );
    const error = await failure(extractPdfText(await pdf('big.pdf', pages), 'big.pdf', { maxHeapMb: 8 }));
    expect(error.code).toBe('ATTACHMENT_UNSUPPORTED');
    expect(error.details.reason).toBe('pdf_too_complex');
  });

  it('reads text that looks like code as text', async () => {
    expect(await extractPdfText(await pdf('js.pdf', ['eval("1+1")']), 'js.pdf')).toBe('eval("1+1")');
  });

  it('turns code from strings off in its thread: eval, Function and its kin throw', async () => {
    const module = new URL('../../../src/adapters/store/no-code-from-strings.ts', import.meta.url).href;
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       import(${JSON.stringify(module)}).then(({ forbidCodeFromStrings }) => {
         forbidCodeFromStrings();
         const tries = {
           eval: () => eval('1 + 1'),
           indirectEval: () => (0, globalThis.eval)('1 + 1'),
           Function: () => Function('return 1')(),
           constructor: () => (() => {}).constructor('return 1')(),
           async: () => (async () => {}).constructor('return 1'),
           generator: () => (function* () {}).constructor('yield 1'),
         };
         const ran = Object.entries(tries).filter(([, run]) => { try { run(); return true; } catch { return false; } });
         parentPort.postMessage(ran.map(([name]) => name));
       });`,
      { eval: true, execArgv: ['--import', 'tsx'] },
    );
    const ran = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(ran).toEqual([]);
  });
});
