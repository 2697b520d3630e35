/** One Server-Sent Event as the browser's EventSource would dispatch it. */
export interface SseEvent {
  /** `message` when the frame had no `event:` field. */
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental SSE parser (the WHATWG rules): feed it text as it arrives, in chunks of any size,
 * and it returns the events completed so far. Comments (`: ping`) and frames without data are skipped.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventName = '';
  private id: string | undefined;
  private started = false;
  /** A chunk ended in `\r`: a `\n` at the start of the next one belongs to that line ending. */
  private pendingCr = false;

  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = nextLineEnd(this.buffer, start);
      if (end === -1) break;
      const line = this.buffer.slice(start, end);
      if (this.buffer.charCodeAt(end) === 13 /* \r */) {
        if (end + 1 === this.buffer.length) {
          this.pendingCr = true;
          start = end + 1;
        } else {
          start = this.buffer.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        }
      } else {
        start = end + 1;
      }
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.charCodeAt(0) === 58 /* : */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const data = this.data;
    const eventName = this.eventName;
    this.data = [];
    this.eventName = '';
    if (data.length === 0) return undefined;
    const event: SseEvent = { event: eventName === '' ? 'message' : eventName, data: data.join('\n') };
    if (this.id !== undefined) event.id = this.id;
    return event;
  }
}

function nextLineEnd(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (cr === -1) return lf;
  if (lf === -1) return cr;
  return Math.min(cr, lf);
}
