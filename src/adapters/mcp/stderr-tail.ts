import { redactText } from '../logs/redact-secrets.js';

const MAX_LINES = 20;
const MAX_LINE_CHARS = 1_000;
/** Shorter values (`DEBUG: "1"`, `true`) are settings, not secrets: hiding them would blank every digit. */
const MIN_SECRET_CHARS = 4;
/** A "line" that never ends is redacted and kept in pieces of this size. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * The last lines a server wrote to stderr, for its status and the log. Each line is redacted whole
 * before it is kept or cut, so a secret split across two reads, or by the cut, is never shown in part.
 */
export class StderrTail {
  private readonly lines: string[] = [];
  private pending = '';

  /** `secrets`: the server's own `env`/`headers` values, hidden wherever they appear. */
  constructor(private readonly secrets: readonly string[]) {}

  append(chunk: string): void {
    this.pending += chunk;
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.keep(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_PENDING_CHARS) {
      this.keep(this.pending);
      this.pending = '';
    }
  }

  /** The kept lines, plus a line still being written (redacted the same way). */
  text(): string {
    const last = this.pending === '' ? [] : [this.cut(this.redact(this.pending))];
    return [...this.lines, ...last].join('\n');
  }

  /** Hides the secrets of this server in any text about it (errors from its transport quote headers…). */
  redact(text: string): string {
    let out = text.replace(/\r$/, '');
    // Longest first, so a secret that contains another is hidden whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (secret.length >= MIN_SECRET_CHARS) out = out.split(secret).join('[REDACTED]');
    }
    return redactText(out);
  }

  private keep(line: string): void {
    this.lines.push(this.cut(this.redact(line)));
    if (this.lines.length > MAX_LINES) this.lines.shift();
  }

  private cut(line: string): string {
    return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
  }
}
