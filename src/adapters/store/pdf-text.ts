import { Worker } from 'node:worker_threads';
import { PDF_MAX_PAGES } from '../../domain/attachment.js';
import { AppError } from '../../domain/errors.js';
import type { PdfTextReply, PdfTextRequest } from './pdf-text-protocol.js';

export interface PdfTextOptions {
  /** The worker is stopped after this long (a PDF built to make the parser spin). Default 60 s. */
  timeoutMs?: number;
  /** The worker's heap (`resourceLimits.maxOldGenerationSizeMb`). Default 512. */
  maxHeapMb?: number;
  maxPages?: number;
}

const DEFAULTS = { timeoutMs: 60_000, maxHeapMb: 512, maxPages: PDF_MAX_PAGES };

const unreadable = (name: string, message: string, reason: string): AppError =>
  new AppError('ATTACHMENT_UNSUPPORTED', message, { details: { name, reason } });

/**
 * The text of a PDF, extracted in a worker thread of its own with a memory and a time limit, the
 * PDF library's `eval` off (CVE-2024-4367): an untrusted PDF can neither run code nor take the
 * server down. A PDF without text (a scan), a locked one, a broken one or one over the page limit
 * is a clear error.
 */
export function extractPdfText(path: string, name: string, options: PdfTextOptions = {}): Promise<string> {
  const limits = { ...DEFAULTS, ...options };
  const request: PdfTextRequest = { path, maxPages: limits.maxPages };
  const [entry, extra] = workerEntry();
  const worker = new Worker(entry, {
    ...extra,
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  // pdf.js warns on stdout/stderr about fonts and broken objects: nothing for the server's own output.
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    /** The first outcome wins: the text, or the error `outcome` throws. */
    const settle = (outcome: () => string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const timer = setTimeout(
      () =>
        settle(() => {
          throw unreadable(
            name,
            `Reading the text of "${name}" took longer than ${limits.timeoutMs / 1000} s, so it was stopped. The PDF may be damaged or built to slow readers down.`,
            'pdf_timeout',
          );
        }),
      limits.timeoutMs,
    );
    worker.once('message', (reply: PdfTextReply) =>
      settle(() => {
        if (!reply.ok) throw failure(name, reply);
        return checked(name, reply.text, reply.pages);
      }),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => {
        throw error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? unreadable(
              name,
              `Reading the text of "${name}" needed more than ${limits.maxHeapMb} MB of memory, so it was stopped.`,
              'pdf_too_complex',
            )
          : unreadable(name, `"${name}" could not be read as a PDF: ${error.message}`, 'unreadable_pdf');
      }),
    );
    worker.once('exit', () =>
      settle(() => {
        throw unreadable(name, `Reading "${name}" stopped unexpectedly.`, 'unreadable_pdf');
      }),
    );
  });
}

function checked(name: string, text: string, pages: number): string {
  if (text.trim() === '') {
    throw unreadable(
      name,
      `"${name}" has no text to read (${pages} page${pages === 1 ? '' : 's'}): it is probably scanned images. Send the pages as images to a model that can see, or run OCR on it first.`,
      'no_text',
    );
  }
  return text;
}

function failure(name: string, reply: Extract<PdfTextReply, { ok: false }>): AppError {
  switch (reply.reason) {
    case 'too_many_pages':
      return unreadable(
        name,
        `"${name}" has ${reply.pages} pages; LightChat reads at most ${PDF_MAX_PAGES}. Split it and send the part you need.`,
        'too_many_pages',
      );
    case 'encrypted':
      return unreadable(
        name,
        `"${name}" is protected by a password. Save an unprotected copy and send that.`,
        'encrypted',
      );
    default:
      return unreadable(name, `"${name}" could not be read as a PDF: ${reply.message}`, 'unreadable_pdf');
  }
}

/**
 * The worker's file next to this one. Built code runs `pdf-text-worker.js` directly; under the tests
 * (TypeScript sources) the worker loads `tsx` to run `pdf-text-worker.ts`.
 */
function workerEntry(): [URL, { execArgv?: string[] }] {
  if (import.meta.url.endsWith('.ts')) {
    return [new URL('./pdf-text-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] }];
  }
  return [new URL('./pdf-text-worker.js', import.meta.url), {}];
}
