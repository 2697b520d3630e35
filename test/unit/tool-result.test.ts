import { describe, expect, it } from 'vitest';
import { cutToolResult, TOOL_RESULT_MAX_BYTES } from '../../src/domain/tools/tool-result.js';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('cutToolResult', () => {
  it('leaves a result of up to 20 KB as it is', () => {
    const text = 'a'.repeat(TOOL_RESULT_MAX_BYTES);
    expect(cutToolResult(text)).toBe(text);
  });

  it('cuts a 5 MB result to 20 KB and says so, with the size it had', () => {
    const cut = cutToolResult('b'.repeat(5 * 1024 * 1024));
    const [kept, note] = cut.split('\n\n');
    expect(kept).toBe('b'.repeat(TOOL_RESULT_MAX_BYTES));
    expect(note).toBe('[LightChat cut this tool result at 20 KB: it was 5.0 MB.]');
  });

  it('never cuts a character in half', () => {
    const cut = cutToolResult('é'.repeat(TOOL_RESULT_MAX_BYTES));
    const kept = cut.split('\n\n')[0] ?? '';
    expect(kept).toBe('é'.repeat(TOOL_RESULT_MAX_BYTES / 2));
    expect(bytes(kept)).toBeLessThanOrEqual(TOOL_RESULT_MAX_BYTES);
    const emoji = cutToolResult(`a${'😀'.repeat(TOOL_RESULT_MAX_BYTES)}`).split('\n\n')[0] ?? '';
    expect(emoji).not.toContain('\uFFFD');
    expect(bytes(emoji)).toBe(1 + 4 * Math.floor((TOOL_RESULT_MAX_BYTES - 1) / 4));
  });
});
