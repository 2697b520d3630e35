import type { PullStatus } from '../ports/model-manager.port.js';

/** What a client is told of a pull: one figure over every layer (CONTRACT section 12). */
export interface PullProgressEvent {
  type: 'progress';
  status: string;
  completedBytes: number;
  totalBytes: number;
  /** 0–100, one decimal, never lower than the one before. */
  percent: number;
}

/** Ollama names a layer's download `pulling <short digest>`; a user reads "downloading". */
const LAYER_STATUS = /^pulling [0-9a-f]{6,}$/i;

/**
 * Folds Ollama's per-layer statuses (which arrive interleaved, and whose totals appear one layer at
 * a time) into one percentage over all layers that never goes backwards: a layer announced late
 * raises the total, and the figure waits for the bytes to catch up instead of dropping.
 */
export class PullProgress {
  private readonly layers = new Map<string, { total: number; completed: number }>();
  private percent = 0;

  update(status: PullStatus): PullProgressEvent {
    if (status.digest && status.total !== undefined && status.total > 0) {
      const completed = Math.min(Math.max(status.completed ?? 0, 0), status.total);
      const known = this.layers.get(status.digest);
      // A layer's own count never goes back either (a retried chunk may restart lower).
      this.layers.set(status.digest, {
        total: status.total,
        completed: Math.max(completed, known?.completed ?? 0),
      });
    }
    let completedBytes = 0;
    let totalBytes = 0;
    for (const layer of this.layers.values()) {
      completedBytes += layer.completed;
      totalBytes += layer.total;
    }
    if (status.status === 'success') {
      completedBytes = totalBytes;
      this.percent = 100;
    } else if (totalBytes > 0) {
      const now = Math.floor((completedBytes / totalBytes) * 1000) / 10;
      this.percent = Math.max(this.percent, now);
    }
    return {
      type: 'progress',
      status: LAYER_STATUS.test(status.status) ? 'downloading' : status.status,
      completedBytes,
      totalBytes,
      percent: this.percent,
    };
  }
}
