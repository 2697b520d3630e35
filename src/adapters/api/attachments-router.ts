import { z } from 'zod';
import { UPLOAD_LIMIT_BYTES } from '../../domain/attachment.js';
import { AppError } from '../../domain/errors.js';
import type { ApiServices } from './api-services.js';
import { attachmentNotFound } from './attachment-routes.js';
import { publicProcedure, router } from './trpc.js';

/** Over IPC the file arrives as an `ArrayBuffer` (structured clone); JSON over HTTP cannot carry one. */
const fileData = z.custom<ArrayBuffer | Uint8Array>(
  (value) => value instanceof ArrayBuffer || value instanceof Uint8Array,
  'data must be an ArrayBuffer of the file (over HTTP, send the file to POST /attachments instead)',
);

const uploadSchema = z.strictObject({
  name: z.string().min(1, 'name must be the file name'),
  mimeType: z.string().nullish(),
  data: fileData,
});

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** `attachments.*` of CONTRACT section 12: the same store and checks as `POST /attachments`. */
export function attachmentsRouter(core: ApiServices) {
  const { attachments } = core;
  const find = async (id: string) => {
    const attachment = await attachments.get(id);
    if (!attachment) throw attachmentNotFound(id);
    return attachment;
  };
  return router({
    upload: publicProcedure.input(uploadSchema).mutation(({ input, signal }) => {
      const bytes = input.data instanceof Uint8Array ? input.data : new Uint8Array(input.data);
      if (bytes.byteLength > UPLOAD_LIMIT_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', 'The upload is larger than 32 MiB.', {
          details: { limit_bytes: UPLOAD_LIMIT_BYTES },
        });
      }
      return attachments.save({
        name: input.name,
        declaredType: input.mimeType ?? null,
        body: once(bytes),
        ...(signal ? { signal } : {}),
      });
    }),
    get: publicProcedure.input(z.strictObject({ id: z.string() })).query(({ input }) => find(input.id)),
    /** The file's bytes as base64, for windows that have no HTTP route to it (the desktop app over IPC). */
    content: publicProcedure.input(z.strictObject({ id: z.string() })).query(async ({ input }) => {
      const attachment = await find(input.id);
      const bytes = await attachments.bytes(attachment);
      return {
        ...attachment,
        base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      };
    }),
  });
}
