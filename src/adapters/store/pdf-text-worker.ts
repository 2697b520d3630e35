import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { forbidCodeFromStrings } from './no-code-from-strings.js';
import type { PdfTextReply, PdfTextRequest } from './pdf-text-protocol.js';

/**
 * Runs in a worker thread of its own (pdf-text.ts sets its memory and time limits): reads one PDF's
 * text, page by page, with pdf.js's `eval` off and no fonts loaded, and answers once.
 */
async function read(request: PdfTextRequest): Promise<PdfTextReply> {
  const { getDocumentProxy } = await import('unpdf');
  forbidCodeFromStrings();
  const data = new Uint8Array(await readFile(request.path));
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // This pdf.js has no eval path left (CVE-2024-4367 was its font compiler's); the worker also runs
    // with code generation from strings disallowed (pdf-text.ts), so none can come back unseen.
    pdf = await getDocumentProxy(data, {
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
      enableXfa: false,
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: name === 'PasswordException' ? 'encrypted' : 'unreadable', message };
  }
  const pages = pdf.numPages;
  if (pages > request.maxPages) return { ok: false, reason: 'too_many_pages', message: '', pages };
  const texts: string[] = [];
  for (let number = 1; number <= pages; number++) {
    const page = await pdf.getPage(number);
    const content = await page.getTextContent();
    texts.push(
      content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
        .join('')
        .trim(),
    );
    page.cleanup();
  }
  await pdf.cleanup();
  return { ok: true, text: texts.filter((text) => text !== '').join('\n\n'), pages };
}

read(workerData as PdfTextRequest).then(
  (reply) => parentPort?.postMessage(reply),
  (error: unknown) =>
    parentPort?.postMessage({
      ok: false,
      reason: 'unreadable',
      message: error instanceof Error ? error.message : String(error),
    } satisfies PdfTextReply),
);
