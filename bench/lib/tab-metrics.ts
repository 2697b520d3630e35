import type { CDPSession } from 'playwright-core';
import { fmt } from './rows.js';

/**
 * A tab's main-thread time (ms) by kind, from Chromium's `Performance` metrics: the tasks' wall time,
 * so on a loaded machine it includes their waits for a core (the processes' CPU time does not).
 */
export interface ThreadMetrics {
  task: number;
  script: number;
  layout: number;
  style: number;
  /** CPU time of the tab's main thread (ms): what it ran, without the waits for a core. */
  cpu: number;
  /** CPU time of the tab's renderer process (ms), its other threads (compositor, workers) included. */
  processCpu: number;
  /** Layouts and style recalculations: counts, which a loaded machine does not inflate. */
  layouts: number;
  styleRecalcs: number;
}

export async function threadMetrics(cdp: CDPSession): Promise<ThreadMetrics> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
  const ms = (name: string) => value(name) * 1000;
  return {
    task: ms('TaskDuration'),
    script: ms('ScriptDuration'),
    layout: ms('LayoutDuration'),
    style: ms('RecalcStyleDuration'),
    cpu: ms('ThreadTime'),
    processCpu: ms('ProcessTime'),
    layouts: value('LayoutCount'),
    styleRecalcs: value('RecalcStyleCount'),
  };
}

export const subtract = (after: ThreadMetrics, before: ThreadMetrics): ThreadMetrics => ({
  task: after.task - before.task,
  script: after.script - before.script,
  layout: after.layout - before.layout,
  style: after.style - before.style,
  cpu: after.cpu - before.cpu,
  processCpu: after.processCpu - before.processCpu,
  layouts: after.layouts - before.layouts,
  styleRecalcs: after.styleRecalcs - before.styleRecalcs,
});

export function describeThreads(threads: readonly ThreadMetrics[]): string {
  const each = threads
    .map(
      (t) =>
        `${fmt(t.cpu)} CPU of ${fmt(t.task)} in tasks (script ${fmt(t.script)}, ${t.layouts} layouts ${fmt(t.layout)}, ` +
        `${t.styleRecalcs} style recalcs ${fmt(t.style)}; process ${fmt(t.processCpu)} CPU)`,
    )
    .join(' / ');
  return `main thread per tab, ms: ${each}`;
}

/** CPU seconds of the browser's processes by id, with their type (`browser`, `renderer`, `GPU`…). */
export type ProcessCpu = Map<number, { type: string; cpuTime: number }>;

export async function processCpu(cdp: CDPSession): Promise<ProcessCpu> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number; cpuTime: number }[];
  };
  return new Map(processInfo.map(({ id, type, cpuTime }) => [id, { type, cpuTime }]));
}

/** Per process type (`renderer`, `GPU`…): how many processes ran, and their CPU ms together. */
export type ProcessUse = Map<string, { count: number; cpuMs: number }>;

/** Per process type: how many processes ran during the stream, and their CPU ms together. */
export function processDelta(before: ProcessCpu, after: ProcessCpu): ProcessUse {
  const byType = new Map() as ProcessUse;
  for (const [id, { type, cpuTime }] of after) {
    const used = (cpuTime - (before.get(id)?.cpuTime ?? 0)) * 1000;
    if (used <= 0) continue;
    const sum = byType.get(type) ?? { count: 0, cpuMs: 0 };
    byType.set(type, { count: sum.count + 1, cpuMs: sum.cpuMs + used });
  }
  return byType;
}

export function describeProcesses(processes: ProcessUse): string {
  const parts = [...processes].map(([type, { count, cpuMs }]) => `${count} ${type} ${fmt(cpuMs)} ms`);
  return `browser processes busy during the streams (CPU): ${parts.join(', ')}`;
}
