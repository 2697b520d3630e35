/**
 * The last line of defence: callers must not log secrets, but a key pasted into a prompt, an error
 * message quoting a header or a proxy URL with credentials must still never reach a log file.
 */
const REDACTED = '[REDACTED]';

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // OpenAI/Anthropic/OpenRouter style keys (`sk-…`, `sk-proj-…`, `sk-ant-…`), Groq, Google.
  [/\b(?:sk|gsk)[-_][A-Za-z0-9][A-Za-z0-9_-]{11,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, `Bearer ${REDACTED}`],
  // `scheme://user:pass@host`: the whole user info goes.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]+:[^\s/?#@]*@/gi, `$1${REDACTED}@`],
];

/** Values of these keys (in `details`) are secrets whatever they look like. */
const SECRET_KEY =
  /^(?:api[-_]?key|authorization|proxy[-_]?authorization|password|secret|access[-_]?token)$/i;

/**
 * What every pattern above needs somewhere in the text (a superset: case-insensitive). Most log text
 * has none of them, and one scan for these is cheaper than four replaces (each log entry of a chat).
 */
const MAYBE_SECRET = /sk[-_]|AIza|bearer|:\/\//i;

export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A redacted deep copy of plain JSON-like data (so later changes by the caller do not reach the log). */
export function redactValue(value: unknown, ancestors: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  const prototype = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value; // Date…
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item) => redactValue(item, ancestors));
  } else {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] =
        SECRET_KEY.test(key) && typeof inner === 'string' && inner !== ''
          ? REDACTED
          : redactValue(inner, ancestors);
    }
    out = copy;
  }
  ancestors.delete(value);
  return out;
}
