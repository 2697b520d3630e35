import { readFileSync } from 'node:fs';

/**
 * CPU time a process has used so far, from Linux's `/proc` (utime + stime): the whole process (every
 * thread: the store's worker, GC, libuv) and its main thread alone. On a loaded machine a request's
 * wall time is mostly waiting for a core; its CPU time is not. Undefined where `/proc` is missing.
 */
export interface CpuTime {
  processMs: number;
  mainThreadMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function ticksOf(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function cpuTimeOf(pid: number | undefined): CpuTime | undefined {
  if (pid === undefined) return undefined;
  try {
    return {
      processMs: ticksOf(`/proc/${pid}/stat`) * TICK_MS,
      mainThreadMs: ticksOf(`/proc/${pid}/task/${pid}/stat`) * TICK_MS,
    };
  } catch {
    return undefined;
  }
}

/** Adds up a process's CPU time over the calls it is wrapped around, per kind of call. */
export class CpuMeter<Kind extends string> {
  private readonly totals = new Map<Kind, { processMs: number; mainThreadMs: number; calls: number }>();

  constructor(private readonly pid: number | undefined) {}

  async measure<T>(kind: Kind, call: () => Promise<T>): Promise<T> {
    const before = cpuTimeOf(this.pid);
    const result = await call();
    const after = cpuTimeOf(this.pid);
    if (before && after) {
      const total = this.totals.get(kind) ?? { processMs: 0, mainThreadMs: 0, calls: 0 };
      total.processMs += after.processMs - before.processMs;
      total.mainThreadMs += after.mainThreadMs - before.mainThreadMs;
      total.calls += 1;
      this.totals.set(kind, total);
    }
    return result;
  }

  /** Mean CPU ms per call of `kind` (process, main thread), or undefined when nothing was measured. */
  perCall(kind: Kind): CpuTime | undefined {
    const total = this.totals.get(kind);
    if (!total || total.calls === 0) return undefined;
    return { processMs: total.processMs / total.calls, mainThreadMs: total.mainThreadMs / total.calls };
  }

  /** `server CPU per chat: 1.23 ms (main thread 0.98)` for the row's note. */
  describe(kind: Kind, label = 'server CPU per chat'): string {
    const cpu = this.perCall(kind);
    if (!cpu) return '';
    return `${label}: ${cpu.processMs.toFixed(2)} ms (main thread ${cpu.mainThreadMs.toFixed(2)} ms)`;
  }
}

export interface IdleOptions {
  /** How long the process's CPU time must stay unchanged (it moves in 10 ms ticks). */
  quietMs?: number;
  /** How often it is read. */
  pollMs?: number;
  /** Gives up after this long (a process that never goes quiet). */
  maxMs?: number;
  /** For tests: the reading and the wait. */
  read?: (pid: number | undefined) => CpuTime | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Resolves once a process has used no CPU for `quietMs`: the work a call left behind it (a store
 * thread indexing an answer after `done`) is over before the next call is timed. Returns the ms
 * waited; resolves at once where `/proc` is missing.
 */
export async function waitForIdle(pid: number | undefined, options: IdleOptions = {}): Promise<number> {
  const { quietMs = 100, pollMs = 20, maxMs = 5_000, read = cpuTimeOf } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = read(pid)?.processMs;
  if (last === undefined) return 0;
  let waited = 0;
  let quiet = 0;
  while (quiet < quietMs && waited < maxMs) {
    await sleep(pollMs);
    waited += pollMs;
    const now = read(pid)?.processMs;
    if (now === undefined) break;
    quiet = now === last ? quiet + pollMs : 0;
    last = now;
  }
  return waited;
}
