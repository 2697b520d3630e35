import { describe, expect, it } from 'vitest';
import { type TextPart, ThinkTagSplitter } from '../../src/domain/think-tags.js';

const split = (chunks: string[]): TextPart[] => {
  const splitter = new ThinkTagSplitter();
  const parts = [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
  // Merge neighbours of one type so the assertion does not depend on chunking.
  return parts.reduce<TextPart[]>((merged, part) => {
    const last = merged.at(-1);
    if (last && last.type === part.type) last.text += part.text;
    else merged.push({ ...part });
    return merged;
  }, []);
};

describe('inline <think> tags become thinking', () => {
  it('splits a whole tag', () => {
    expect(split(['<think>why</think>Answer'])).toEqual([
      { type: 'thinking', text: 'why' },
      { type: 'token', text: 'Answer' },
    ]);
  });

  it('handles tags cut across chunks at every position, after leading whitespace', () => {
    const text = '\n <think>deep thought</think>post';
    for (let cut = 1; cut < text.length; cut++) {
      expect(split([text.slice(0, cut), text.slice(cut)])).toEqual([
        { type: 'thinking', text: 'deep thought' },
        { type: 'token', text: 'post' },
      ]);
    }
  });

  it('keeps text that only looks like the start of a tag', () => {
    expect(split(['a <thi', 'ng> b'])).toEqual([{ type: 'token', text: 'a <thing> b' }]);
    expect(split(['ends with <thi'])).toEqual([{ type: 'token', text: 'ends with <thi' }]);
    expect(split([' <thi'])).toEqual([{ type: 'token', text: ' <thi' }]);
  });
});

describe('<think> is reasoning only at the very start of an answer', () => {
  it('keeps a tag that comes after the answer began as answer text, at every cut', () => {
    const text = 'Models write <think>…</think> around their reasoning; then they answer.';
    for (let cut = 1; cut < text.length; cut++) {
      expect(split([text.slice(0, cut), text.slice(cut)])).toEqual([{ type: 'token', text }]);
    }
  });

  it('takes one thinking block: a second <think> after it is answer text', () => {
    expect(split(['<think>plan</think>', 'Use <think>', ' tags.'])).toEqual([
      { type: 'thinking', text: 'plan' },
      { type: 'token', text: 'Use <think> tags.' },
    ]);
  });

  it('keeps leading whitespace that is not followed by a tag', () => {
    expect(split(['\n\n', 'Hi'])).toEqual([{ type: 'token', text: '\n\nHi' }]);
  });
});
