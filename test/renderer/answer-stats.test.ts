import { describe, expect, it } from 'vitest';
import { finishNote } from '../../src/renderer/components/answer-stats';

describe('finishNote', () => {
  it('says in words that the provider blocked an answer (content_filter), and nothing for a normal stop', () => {
    expect(finishNote('content_filter')).toBe("blocked by the provider's content filter");
    expect(finishNote('length')).toBe('cut off at the length limit');
    expect(finishNote('stop')).toBeNull();
  });
});
