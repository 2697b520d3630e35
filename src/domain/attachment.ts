import { z } from 'zod';
import { estimateTokens, IMAGE_TOKENS } from './services/context-window.js';

/**
 * Files a user message can carry (CONTRACT section 12): images for models that see, and text files
 * and PDFs, whose text the model reads as blocks headed by the file name.
 */
export const ATTACHMENT_KINDS = ['image', 'text', 'pdf'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

const MiB = 1024 * 1024;

/** What one kind of file may weigh. */
export const ATTACHMENT_LIMIT_BYTES: Record<AttachmentKind, number> = {
  image: 20 * MiB,
  text: 1 * MiB,
  pdf: 20 * MiB,
};

/** `POST /attachments` reads at most this much of a body, whatever it holds. */
export const UPLOAD_LIMIT_BYTES = 32 * MiB;

/** A PDF with more pages is refused: its text would not fit any model, and parsing it costs. */
export const PDF_MAX_PAGES = 500;

/** How many files one message may carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 20;

/** A stored file's id is its content's SHA-256 (lowercase hex): the same bytes are stored once. */
export const ATTACHMENT_ID_PATTERN = /^[0-9a-f]{64}$/;
export const attachmentIdSchema = z
  .string()
  .regex(ATTACHMENT_ID_PATTERN, 'must be an attachment id as POST /attachments returned it');

/** What `POST /attachments` answers and what a message keeps of each of its files. */
export const attachmentSchema = z.object({
  id: attachmentIdSchema,
  sha256: z.string(),
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  kind: z.enum(ATTACHMENT_KINDS),
  /** About how many tokens the model reads of it (the context meter counts it); absent for older files. */
  tokens: z.number().int().nonnegative().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const attachmentIdsSchema = z
  .array(attachmentIdSchema)
  .max(MAX_ATTACHMENTS_PER_MESSAGE, `a message carries at most ${MAX_ATTACHMENTS_PER_MESSAGE} files`);

/** The attachments a stored message holds (kept as open records): the ones that parse. */
export function attachmentsOf(records: readonly Record<string, unknown>[]): Attachment[] {
  return records.flatMap((record) => {
    const parsed = attachmentSchema.safeParse(record);
    return parsed.success ? [parsed.data] : [];
  });
}

/** A file's text as the model reads it: one block headed by its name. */
export function fileBlock(name: string, text: string): string {
  return `[File: ${name}]\n${text.replace(/\s+$/, '')}\n[End of file: ${name}]`;
}

/** What a file costs a model, by the estimator that fits chats to the window: its text block, or an image. */
export const attachmentTokens = (
  file: { name: string; kind: AttachmentKind },
  text: string | null,
): number =>
  file.kind === 'image' || text === null ? IMAGE_TOKENS : estimateTokens(fileBlock(file.name, text));

export const formatBytes = (bytes: number): string =>
  bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
