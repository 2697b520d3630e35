import type { ProviderChunk } from '../../domain/provider.js';

export type TextChunk = Extract<ProviderChunk, { type: 'token' | 'thinking' }>;

interface Joining {
  type: TextChunk['type'];
  texts: string[];
}

/**
 * Joins the texts of one network read per kind in a row (`count`: how many were joined). The
 * stream's first text goes on alone: what the first event shows never depends on what else came.
 * A joined text is one flat string (`join`), not a chain of `+=`: such a chain kept one string
 * object per token alive for as long as the chat's events were held (the registry's log, the
 * answer), and every garbage collection copied them again: half the collector's time in a
 * 20,000-token tRPC chat.
 */
export class ReadJoiner {
  private chunks: Joining[] = [];
  private joinFrom = 0;
  private first = true;

  add(type: TextChunk['type'], text: string): void {
    const last = this.chunks.length > this.joinFrom ? this.chunks.at(-1) : undefined;
    if (last?.type === type) {
      last.texts.push(text);
      return;
    }
    this.chunks.push({ type, texts: [text] });
    if (this.first) {
      this.first = false;
      this.joinFrom = this.chunks.length;
    }
  }

  addAll(parts: readonly { type: TextChunk['type']; text: string }[]): void {
    for (const part of parts) this.add(part.type, part.text);
  }

  /** The chunks of the read so far; the next read starts afresh. */
  take(): TextChunk[] {
    const chunks = this.chunks.map(
      ({ type, texts }): TextChunk =>
        texts.length === 1 ? { type, text: texts[0]! } : { type, text: texts.join(''), count: texts.length },
    );
    this.chunks = [];
    this.joinFrom = 0;
    return chunks;
  }
}
