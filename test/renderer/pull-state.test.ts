import { describe, expect, it } from 'vitest';
import { nextPullView, pullFigures, startPull } from '../../src/renderer/models/pull-state.js';

const progress = (completedBytes: number, percent: number, status = 'downloading') => ({
  type: 'progress' as const,
  status,
  completedBytes,
  totalBytes: 2e9,
  percent,
});

describe('the pull as the Models dialog shows it', () => {
  it('shows one bar that never goes back, bytes and a speed measured from the first bytes', () => {
    let view = startPull('qwen3:8b');
    view = nextPullView(view, progress(0, 0), 0);
    view = nextPullView(view, progress(2e8, 10), 1000);
    view = nextPullView(view, progress(6e8, 30), 3000);
    expect(view.percent).toBe(30);
    expect(view.bytesPerS).toBe(2e8);
    expect(pullFigures(view)).toBe('downloading · 600.0 MB of 2.0 GB · 200.0 MB/s');
    view = nextPullView(view, progress(6e8, 25), 3500);
    expect(view.percent).toBe(30);
    view = nextPullView(view, { type: 'done', model: 'qwen3:8b' }, 4000);
    expect(view).toMatchObject({ state: 'done', percent: 100 });
  });

  it('keeps the error message, and says cancelled', () => {
    const view = startPull('x');
    expect(
      nextPullView(view, { type: 'error', errorCode: 'MODEL_NOT_FOUND', message: 'no model "x"' }, 0),
    ).toMatchObject({
      state: 'error',
      error: 'no model "x"',
    });
    expect(nextPullView(view, { type: 'cancelled', model: 'x' }, 0).state).toBe('cancelled');
  });
});
