import { describe, expect, it } from 'vitest';
import { frameBatch } from '../../src/renderer/state/frame-batch';

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
  };
}

describe('frameBatch', () => {
  it('hands on any number of items that arrive within a frame once, in order', () => {
    const frames = manualFrames();
    const flushes: number[][] = [];
    const batch = frameBatch<number>((items) => flushes.push(items), frames.schedule);
    for (let i = 0; i < 100; i++) batch.push(i);
    expect(flushes).toEqual([]);
    frames.frame();
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    batch.push(100);
    frames.frame();
    frames.frame();
    expect(flushes).toEqual([flushes[0], [100]]);
  });

  it('hands on nothing once closed', () => {
    const frames = manualFrames();
    const flushes: string[][] = [];
    const batch = frameBatch<string>((items) => flushes.push(items), frames.schedule);
    batch.push('a');
    batch.close();
    batch.push('b');
    frames.frame();
    expect(flushes).toEqual([]);
  });
});
