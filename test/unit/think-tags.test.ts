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

  it('handles tags cut across chunks at every position', () => {
    const text = 'Pre<think>deep thought</think>post';
    for (let cut = 1; cut < text.length; cut++) {
      expect(split([text.slice(0, cut), text.slice(cut)])).toEqual([
        { type: 'token', text: 'Pre' },
        { type: 'thinking', text: 'deep thought' },
        { type: 'token', text: 'post' },
      ]);
    }
  });

  it('keeps text that only looks like the start of a tag', () => {
    expect(split(['a <thi', 'ng> b'])).toEqual([{ type: 'token', text: 'a <thing> b' }]);
    expect(split(['ends with <thi'])).toEqual([{ type: 'token', text: 'ends with <thi' }]);
  });
});
