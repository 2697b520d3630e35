import type { ProviderChunk } from '../../domain/provider.js';

export type TextChunk = Extract<ProviderChunk, { type: 'token' | 'thinking' }>;

/**
 * Joins the texts of one network read per kind in a row (`count`: how many were joined). The
 * stream's first text goes on alone: what the first event shows never depends on what else came.
 */
export class ReadJoiner {
  private chunks: TextChunk[] = [];
  private joinFrom = 0;
  private first = true;

  add(type: TextChunk['type'], text: string): void {
    const last = this.chunks.length > this.joinFrom ? this.chunks.at(-1) : undefined;
    if (last?.type === type) {
      last.text += text;
      last.count = (last.count ?? 1) + 1;
      return;
    }
    this.chunks.push({ type, text });
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
    const chunks = this.chunks;
    this.chunks = [];
    this.joinFrom = 0;
    return chunks;
  }
}
