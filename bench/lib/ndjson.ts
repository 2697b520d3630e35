/** An incremental newline-delimited JSON parser: feed text chunks, get the complete lines parsed. */
export class NdjsonParser {
  private buffer = '';

  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const values: unknown[] = [];
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', start);
      if (end === -1) break;
      const line = this.buffer.slice(start, end).trim();
      start = end + 1;
      if (line !== '') values.push(JSON.parse(line));
    }
    this.buffer = this.buffer.slice(start);
    return values;
  }

  /** The last line, when the stream ended without a newline after it. */
  end(): unknown[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest === '' ? [] : [JSON.parse(rest)];
  }
}
