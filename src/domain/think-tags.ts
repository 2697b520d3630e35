/**
 * Splits streamed text with an inline `<think>…</think>` block (some OpenAI-compatible servers and
 * Ollama models without `think: true`) into thinking and answer parts. Tags may be cut across
 * chunks. Only a tag at the very start of the answer (after optional whitespace) opens thinking:
 * later in the text, `<think>` is the answer's own words (an answer that explains the tag).
 */
export type TextPart = { type: 'token' | 'thinking'; text: string };

const OPEN = '<think>';
const CLOSE = '</think>';

export class ThinkTagSplitter {
  /** `start`: nothing but whitespace (or a part of `<think>`) so far; `answer`: tags are text now. */
  private state: 'start' | 'thinking' | 'answer' = 'start';
  private pending = '';

  push(chunk: string): TextPart[] {
    const parts: TextPart[] = [];
    let text = this.pending + chunk;
    this.pending = '';
    if (this.state === 'start') {
      const body = text.trimStart();
      if (body.startsWith(OPEN)) {
        // The whitespace before the tag belongs to neither the thinking nor the answer.
        this.state = 'thinking';
        text = body.slice(OPEN.length);
      } else if (OPEN.startsWith(body)) {
        this.pending = text; // only whitespace, or a tag still arriving
        return parts;
      } else {
        this.state = 'answer';
      }
    }
    if (this.state === 'answer') {
      if (text) parts.push({ type: 'token', text });
      return parts;
    }
    const at = text.indexOf(CLOSE);
    if (at >= 0) {
      if (at > 0) parts.push({ type: 'thinking', text: text.slice(0, at) });
      this.state = 'answer';
      const rest = text.slice(at + CLOSE.length);
      if (rest) parts.push({ type: 'token', text: rest });
      return parts;
    }
    const keep = partialSuffix(text, CLOSE);
    if (text.length > keep) parts.push({ type: 'thinking', text: text.slice(0, text.length - keep) });
    this.pending = text.slice(text.length - keep);
    return parts;
  }

  /** What is left when the stream ends (an unfinished tag is plain text). */
  end(): TextPart[] {
    const text = this.pending;
    this.pending = '';
    if (!text) return [];
    return [{ type: this.state === 'thinking' ? 'thinking' : 'token', text }];
  }
}

/** Length of the longest suffix of `text` that is a prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
