import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../src/domain/services/pull-progress.js';

describe('one percentage over every layer of a pull', () => {
  it('never goes backwards when a layer is announced late, and ends at 100', () => {
    const progress = new PullProgress();
    const percents = [
      { status: 'pulling manifest' },
      { status: 'pulling aaaaaaaaaaaa', digest: 'sha256:a', total: 1000, completed: 0 },
      { status: 'pulling aaaaaaaaaaaa', digest: 'sha256:a', total: 1000, completed: 500 },
      // A second layer appears: the total doubles, the figure must not drop from 50 to 25.
      { status: 'pulling bbbbbbbbbbbb', digest: 'sha256:b', total: 1000, completed: 0 },
      { status: 'pulling aaaaaaaaaaaa', digest: 'sha256:a', total: 1000, completed: 1000 },
      { status: 'pulling bbbbbbbbbbbb', digest: 'sha256:b', total: 1000, completed: 600 },
      { status: 'verifying sha256 digest' },
      { status: 'writing manifest' },
      { status: 'success' },
    ].map((status) => progress.update(status).percent);
    expect(percents).toEqual([0, 0, 50, 50, 50, 80, 80, 80, 100]);
  });

  it('reports bytes over all layers and says "downloading" for a layer', () => {
    const progress = new PullProgress();
    progress.update({ status: 'pulling aaaaaaaaaaaa', digest: 'sha256:a', total: 1000, completed: 250 });
    expect(
      progress.update({ status: 'pulling bbbbbbbbbbbb', digest: 'sha256:b', total: 3000, completed: 750 }),
    ).toEqual({
      type: 'progress',
      status: 'downloading',
      completedBytes: 1000,
      totalBytes: 4000,
      percent: 25,
    });
    expect(progress.update({ status: 'verifying sha256 digest' }).status).toBe('verifying sha256 digest');
  });

  it('ignores a layer count that goes back (a chunk retried) and bytes beyond the total', () => {
    const progress = new PullProgress();
    progress.update({ status: 'pulling a', digest: 'sha256:a', total: 100, completed: 60 });
    expect(
      progress.update({ status: 'pulling a', digest: 'sha256:a', total: 100, completed: 20 }).completedBytes,
    ).toBe(60);
    expect(
      progress.update({ status: 'pulling a', digest: 'sha256:a', total: 100, completed: 500 }).percent,
    ).toBe(100);
  });
});
