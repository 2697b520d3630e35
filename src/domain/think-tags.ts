/**
 * Splits streamed text with inline `<think>…</think>` (some OpenAI-compatible servers and Ollama
 * models without `think: true`) into thinking and answer parts. Tags may be cut across chunks.
 */
export type TextPart = { type: 'token' | 'thinking'; text: string };

const OPEN = '<think>';
const CLOSE = '</think>';

export class ThinkTagSplitter {
  private inThinking = false;
  private pending = '';

  push(chunk: string): TextPart[] {
    const parts: TextPart[] = [];
    let text = this.pending + chunk;
    this.pending = '';
    while (text.length > 0) {
      const tag = this.inThinking ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at >= 0) {
        this.emit(parts, text.slice(0, at));
        this.inThinking = !this.inThinking;
        text = text.slice(at + tag.length);
        continue;
      }
      const keep = partialSuffix(text, tag);
      this.emit(parts, text.slice(0, text.length - keep));
      this.pending = text.slice(text.length - keep);
      break;
    }
    return parts;
  }

  /** What is left when the stream ends (an unfinished tag is plain text). */
  end(): TextPart[] {
    const parts: TextPart[] = [];
    this.emit(parts, this.pending);
    this.pending = '';
    return parts;
  }

  private emit(parts: TextPart[], text: string): void {
    if (text) parts.push({ type: this.inThinking ? 'thinking' : 'token', text });
  }
}

/** Length of the longest suffix of `text` that is a prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
