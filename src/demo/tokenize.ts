/**
 * Splits text into word-ish tokens the way a chat model streams them: each token is a word (or one
 * punctuation mark) with the whitespace before it attached, so `tokenize(text).join('') === text`.
 */
const TOKEN = /\s*(?:[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_])|\s+$/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}
