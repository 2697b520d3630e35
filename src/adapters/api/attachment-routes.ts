import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import { UPLOAD_LIMIT_BYTES } from '../../domain/attachment.js';
import { AppError } from '../../domain/errors.js';
import type { ApiServices } from './api-services.js';
import { attachmentHeader } from './conversation-export.js';
import { streamedBody } from './request-body.js';
import { json } from './rest-routes.js';

type App = Hono<{ Bindings: HttpBindings }>;

/** `POST /attachments` takes bodies up to 32 MiB (streamed to disk); every other route keeps 1 MiB. */
export const ATTACHMENTS_PATH = '/attachments';

const uploadTooLarge = () =>
  new AppError('PAYLOAD_TOO_LARGE', 'The upload is larger than 32 MiB.', {
    details: { limit_bytes: UPLOAD_LIMIT_BYTES },
  });

/** Attachments of CONTRACT section 12: uploaded first (raw body), then referenced by id in a chat. */
export function registerAttachmentRoutes(app: App, core: ApiServices): void {
  app.post(ATTACHMENTS_PATH, async (c) => {
    const name = c.req.query('name');
    if (name === undefined || name.trim() === '') {
      throw new AppError('VALIDATION_ERROR', 'Name the file: POST /attachments?name=photo.png.', {
        details: { issues: [{ path: ['name'], message: 'is required' }] },
      });
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    const { body, signal } = streamedBody(c, { bytes: UPLOAD_LIMIT_BYTES, tooLarge: uploadTooLarge });
    try {
      if (declared > UPLOAD_LIMIT_BYTES) throw uploadTooLarge();
      if (!body) {
        throw new AppError(
          'ATTACHMENT_UNSUPPORTED',
          `"${name}" is empty: send the file as the request body.`,
          {
            details: { name, reason: 'empty' },
          },
        );
      }
      const attachment = await core.attachments.save({
        name,
        declaredType: c.req.header('content-type') ?? null,
        body,
        signal,
      });
      return json(c, attachment, 201);
    } catch (error) {
      // A refused upload is answered before its body is read through: the connection can't carry another request.
      c.header('connection', 'close');
      throw error;
    }
  });

  app.get(`${ATTACHMENTS_PATH}/:id`, async (c) => {
    const id = c.req.param('id');
    const attachment = await core.attachments.get(id);
    if (!attachment) throw attachmentNotFound(id);
    const type = attachment.kind === 'text' ? `${attachment.mimeType}; charset=utf-8` : attachment.mimeType;
    return c.body(core.attachments.stream(attachment), 200, {
      'content-type': type,
      'content-length': String(attachment.size),
      'content-disposition': attachmentHeader(attachment.name, 'inline'),
      // The file is the user's, not ours: never sniffed into HTML, never run as a page.
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private, no-cache',
    });
  });
}

export const attachmentNotFound = (id: string): AppError =>
  new AppError(
    'NOT_FOUND',
    `There is no attachment "${id.slice(0, 80)}": it was never uploaded, or the last message using it was deleted. Upload it again with POST /attachments.`,
    { details: { attachment_id: id.slice(0, 80) } },
  );
