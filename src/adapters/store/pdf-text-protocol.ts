/** What the PDF text worker is given and answers (pdf-text.ts ↔ pdf-text-worker.ts). */
export interface PdfTextRequest {
  path: string;
  maxPages: number;
}

export type PdfTextReply =
  | { ok: true; text: string; pages: number }
  | { ok: false; reason: 'too_many_pages' | 'encrypted' | 'unreadable'; message: string; pages?: number };
