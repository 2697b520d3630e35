import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import { EXPORT_FORMATS, type ExportFormat } from '../../domain/conversation.js';
import { AppError } from '../../domain/errors.js';
import { historyUnavailable } from '../../domain/services/history-errors.js';
import { historyZip } from '../store/formats/zip-export.js';
import type { ApiServices } from './api-services.js';
import { attachmentHeader, exportConversationFile } from './conversation-export.js';
import { streamedBody } from './request-body.js';
import { json } from './rest-routes.js';

type App = Hono<{ Bindings: HttpBindings }>;

/** `POST /import` takes export files up to this size; every other route keeps the 1 MiB limit. */
export const IMPORT_LIMIT_BYTES = 200 * 1024 * 1024;
export const IMPORT_PATH = '/import';

const tooLarge = () =>
  new AppError('PAYLOAD_TOO_LARGE', 'The import file is larger than 200 MiB.', {
    details: { limit_bytes: IMPORT_LIMIT_BYTES },
  });

/** Import and export of CONTRACT section 10: the file goes in streamed, the history comes out streamed. */
export function registerHistoryTransferRoutes(app: App, core: ApiServices): void {
  const { conversations } = core;

  app.post(IMPORT_PATH, async (c) => {
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > IMPORT_LIMIT_BYTES) {
      c.header('connection', 'close');
      throw tooLarge();
    }
    const { body } = streamedBody(c, { bytes: IMPORT_LIMIT_BYTES, tooLarge });
    if (!body) {
      throw new AppError('IMPORT_INVALID', 'Send the export file (JSON or ZIP) as the request body.');
    }
    return json(c, await conversations.import(body));
  });

  app.get('/conversations/:id/export', async (c) => {
    const file = await exportConversationFile(
      conversations,
      c.req.param('id'),
      formatOf(c.req.query('format')),
      core.attachments,
    );
    return c.body(file.content, 200, {
      'content-type': file.mimeType,
      'content-disposition': attachmentHeader(file.filename),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });

  app.get('/export', () => {
    const status = conversations.status();
    if (!status.available) throw historyUnavailable(status);
    const day = new Date().toISOString().slice(0, 10);
    const files = core.attachments;
    const read = async (id: string) => {
      const found = await files.get(id);
      return found ? files.bytes(found) : null;
    };
    return new Response(webStream(historyZip(conversations.exportAll(), read)), {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': attachmentHeader(`lightchat-history-${day}.zip`),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  });
}

/** A pull-driven web stream: the next piece is made only when the client has taken the last one. */
function webStream(pieces: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      const next = await pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}

function formatOf(raw: string | undefined): ExportFormat {
  if (raw === undefined) return 'md';
  if ((EXPORT_FORMATS as readonly string[]).includes(raw)) return raw as ExportFormat;
  throw new AppError('VALIDATION_ERROR', `format must be md or json, got "${raw.slice(0, 20)}".`, {
    details: { issues: [{ path: ['format'], message: 'must be md or json' }] },
  });
}
