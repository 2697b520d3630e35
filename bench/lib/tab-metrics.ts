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
}

export async function threadMetrics(cdp: CDPSession): Promise<ThreadMetrics> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const ms = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
  return {
    task: ms('TaskDuration'),
    script: ms('ScriptDuration'),
    layout: ms('LayoutDuration'),
    style: ms('RecalcStyleDuration'),
  };
}

export const subtract = (after: ThreadMetrics, before: ThreadMetrics): ThreadMetrics => ({
  task: after.task - before.task,
  script: after.script - before.script,
  layout: after.layout - before.layout,
  style: after.style - before.style,
});

export function describeThreads(threads: readonly ThreadMetrics[]): string {
  const each = threads
    .map((t) => `${fmt(t.task)} (script ${fmt(t.script)}, layout ${fmt(t.layout)}, style ${fmt(t.style)})`)
    .join(' / ');
  return `main-thread ms per tab ${each}`;
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
