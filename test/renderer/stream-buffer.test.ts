import { describe, expect, it, vi } from 'vitest';
import type { StreamBatch } from '../../src/renderer/state/conversation';
import { pacedFrames, StreamBuffer } from '../../src/renderer/state/stream-buffer';

/** A scheduler the test drives: `frame()` runs what was scheduled, like one animation frame. */
function manualFrames() {
  let pending: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => pending.push(flush),
    frame() {
      const run = pending;
      pending = [];
      for (const flush of run) flush();
    },
    get waiting() {
      return pending.length;
    },
  };
}

const done = {
  type: 'done' as const,
  finishReason: 'stop',
  providerId: 'ollama_local',
  modelId: 'llama3.2',
  usage: { promptTokens: 3, completionTokens: 3 },
  stats: { ttftMs: 12, durationMs: 40, tokensPerS: 75 },
};

describe('StreamBuffer', () => {
  it('hands on any number of tokens once per frame, joined in order', () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    for (let i = 0; i < 500; i++) buffer.push({ type: 'token', text: `${i} ` });
    expect(batches).toHaveLength(0);
    expect(frames.waiting).toBe(1);
    frames.frame();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.text.startsWith('0 1 2 ')).toBe(true);
    expect(batches[0]!.text.endsWith('498 499 ')).toBe(true);
    buffer.push({ type: 'token', text: 'more' });
    frames.frame();
    expect(batches.map((batch) => batch.text).at(-1)).toBe('more');
  });

  it('keeps thinking apart from the answer text', () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    buffer.push({ type: 'thinking', text: 'Let me see. ' });
    buffer.push({ type: 'token', text: 'Hi' });
    buffer.push({ type: 'thinking', text: 'Done.' });
    frames.frame();
    expect(batches).toEqual([{ text: 'Hi', thinking: 'Let me see. Done.', end: null }]);
  });

  it('delivers the end of the chat in the same batch as the text before it, then nothing more', () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    buffer.push({ type: 'token', text: 'Hel' });
    buffer.push({ type: 'token', text: 'lo' });
    buffer.push(done);
    buffer.push({ type: 'token', text: 'late' });
    frames.frame();
    frames.frame();
    expect(batches).toEqual([{ text: 'Hello', thinking: '', end: done }]);
  });

  it("passes over the start event (the chat's ids) and types it does not know: the answer goes on", () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    buffer.push({
      type: 'start',
      chatId: 'c1',
      conversationId: 'k',
      userMessageId: 'u',
      assistantMessageId: 'a',
    });
    buffer.push({ type: 'token', text: 'Hi' });
    buffer.push({ type: 'toolCall' } as unknown as Parameters<StreamBuffer['push']>[0]);
    buffer.push(done);
    frames.frame();
    expect(batches).toEqual([{ text: 'Hi', thinking: '', end: done }]);
  });

  it('turns an error event into a readable error', () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    buffer.push({ type: 'token', text: 'partial' });
    buffer.push({
      type: 'error',
      errorCode: 'PROVIDER_ERROR',
      message: 'Ollama stopped mid-answer.',
      details: { status: 500 },
    });
    frames.frame();
    expect(batches[0]!.text).toBe('partial');
    expect(batches[0]!.end).toEqual({
      type: 'error',
      error: { code: 'PROVIDER_ERROR', message: 'Ollama stopped mid-answer.', details: { status: 500 } },
    });
  });

  it('flushNow hands on pending text at once, and close drops what comes after', () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    buffer.push({ type: 'token', text: 'kept' });
    buffer.flushNow();
    buffer.close();
    buffer.push({ type: 'token', text: 'dropped' });
    frames.frame();
    expect(batches).toEqual([{ text: 'kept', thinking: '', end: null }]);
  });

  it('ends with a transport failure after the text received', () => {
    const frames = manualFrames();
    const batches: StreamBatch[] = [];
    const buffer = new StreamBuffer((batch) => batches.push(batch), frames.schedule);
    buffer.push({ type: 'token', text: 'so far' });
    buffer.fail({ code: 'NETWORK', message: '', details: {} });
    frames.frame();
    expect(batches).toEqual([
      {
        text: 'so far',
        thinking: '',
        end: { type: 'error', error: { code: 'NETWORK', message: '', details: {} } },
      },
    ]);
  });
});

describe('pacedFrames', () => {
  it('flushes the first batch at the next frame, later ones no sooner than the interval', () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'],
    });
    try {
      const schedule = pacedFrames(50);
      const runs: number[] = [];
      schedule(() => runs.push(performance.now()));
      vi.advanceTimersByTime(20);
      expect(runs).toHaveLength(1);
      schedule(() => runs.push(performance.now()));
      vi.advanceTimersByTime(20);
      expect(runs).toHaveLength(1);
      vi.advanceTimersByTime(60);
      expect(runs).toHaveLength(2);
      expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(50);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits eight times what the previous flush took to render and paint, up to 400 ms', () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'],
    });
    try {
      let workDone: (() => void) | undefined;
      const schedule = pacedFrames(50, (done) => (workDone = done));
      const runs: number[] = [];
      schedule(() => runs.push(performance.now()));
      vi.advanceTimersByTime(20); // flushed at the first frame (16 ms)
      vi.advanceTimersByTime(20); // its render and paint took 24 ms
      workDone?.();
      schedule(() => runs.push(performance.now()));
      vi.advanceTimersByTime(150); // 174 ms after the first flush: under 8 × 24
      expect(runs).toHaveLength(1);
      vi.advanceTimersByTime(60);
      expect(runs).toHaveLength(2);
      expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(192);

      vi.advanceTimersByTime(100); // a slow render (116 ms): 8 × 116 would be 928 ms, the cap is 400
      workDone?.();
      schedule(() => runs.push(performance.now()));
      vi.advanceTimersByTime(270); // 386 ms after the second flush
      expect(runs).toHaveLength(2);
      vi.advanceTimersByTime(30);
      expect(runs).toHaveLength(3);
      expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(400);
      expect(runs[2]! - runs[1]!).toBeLessThanOrEqual(420);
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells what it will wait after each render (the socket worker posts no more often)', () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'],
    });
    try {
      let workDone: (() => void) | undefined;
      const intervals: number[] = [];
      const schedule = pacedFrames(
        50,
        (done) => (workDone = done),
        (ms) => intervals.push(ms),
      );
      schedule(() => {});
      vi.advanceTimersByTime(20);
      vi.advanceTimersByTime(4); // a 8 ms render: 8 × 8 = 64 ms
      workDone?.();
      schedule(() => {});
      vi.advanceTimersByTime(100);
      vi.advanceTimersByTime(100); // a slow one: the cap
      workDone?.();
      expect(intervals).toEqual([64, 400]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves the frame that draws a keystroke to the keystroke: the batch waits one frame, never more', () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'],
    });
    try {
      const schedule = pacedFrames(50);
      const runs: number[] = [];
      const key = () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
      schedule(() => runs.push(performance.now()));
      vi.advanceTimersByTime(10);
      key(); // the next frame (16 ms) draws this key
      vi.advanceTimersByTime(10);
      expect(runs).toHaveLength(0);
      vi.advanceTimersByTime(16);
      expect(runs).toHaveLength(1);

      // A user who types in every frame still sees the answer: one frame later, not never.
      schedule(() => runs.push(performance.now()));
      for (let frame = 0; frame < 8 && runs.length < 2; frame++) {
        key();
        vi.advanceTimersByTime(16);
      }
      expect(runs).toHaveLength(2);
      expect(runs[1]! - runs[0]!).toBeLessThanOrEqual(50 + 2 * 16 + 1);
    } finally {
      vi.useRealTimers();
    }
  });
});
