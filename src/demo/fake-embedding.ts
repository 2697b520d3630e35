import { createHash } from 'node:crypto';
import { tokenize } from './tokenize.js';

/** The fakes' embedding size: small, and enough to tell texts apart. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

/**
 * A fake model's vector for `text`: the same text always gives the same vector, another text another
 * one (from its SHA-256), each number in [-1, 1]. Values are float32, as real APIs send them.
 */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: dimensions }, (_, index) =>
    Math.fround((digest[index % digest.length]! - 127.5) / 127.5),
  );
}

/** Tokens a fake counts for the texts it embeds. */
export const countEmbeddingTokens = (texts: string[]): number =>
  texts.reduce((sum, text) => sum + tokenize(text).length, 0);

/** `input` as both APIs take it: one text or several. */
export function readEmbeddingInput(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input;
  return undefined;
}
