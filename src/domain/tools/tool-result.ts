/** A tool result longer than this goes back to the model cut, with a note (CONTRACT section 11). */
export const TOOL_RESULT_MAX_BYTES = 20 * 1024;

const encoder = new TextEncoder();

const size = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/**
 * `text` as the model gets it: whole up to 20 KB of UTF-8, else its first 20 KB (never half a
 * character) and a note that says it was cut and from what size, so the model can ask for less.
 */
export function cutToolResult(text: string, maxBytes = TOOL_RESULT_MAX_BYTES): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  // Back up to the start of a character: continuation bytes are 0b10xxxxxx.
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  const kept = new TextDecoder().decode(bytes.subarray(0, end));
  return `${kept}\n\n[LightChat cut this tool result at ${size(maxBytes)}: it was ${size(bytes.length)}.]`;
}
