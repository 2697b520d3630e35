import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from './context.js';

/** The parts of a V8 `.cpuprofile` (from `node --cpu-prof` or CDP Profiler) the bench reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  /** `function (file:line)`, with node_modules paths shortened to the package. */
  where: string;
  selfMs: number;
  /** Share of the profile's sampled (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  /** Self time by function, largest first. */
  functions: HotSpot[];
  /** Self time by package or source folder, largest first. */
  packages: HotSpot[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

function shorten(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const out = url.indexOf('/out/');
  if (out !== -1) return url.slice(out + 1);
  return url === '' ? '(native)' : url.replace(/^file:\/\//, '');
}

function folder(url: string): string {
  const short = shorten(url);
  if (short.startsWith('out/')) return short.split('/').slice(0, 4).join('/');
  if (short.startsWith('node:')) return 'node: built-ins';
  return short;
}

/** Where a CPU profile's time went: self time per function and per package (GC counted as its own line). */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    busy += ms;
    const where = IDLE.has(name) ? name : `${name} (${shorten(frame.url)}:${frame.lineNumber + 1})`;
    functions.set(where, (functions.get(where) ?? 0) + ms);
    const pkg = IDLE.has(name) ? name : folder(frame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  }
  const rank = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, selfMs]) => ({ where, selfMs, share: busy === 0 ? 0 : selfMs / busy }));
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busy,
    functions: rank(functions),
    packages: rank(packages),
  };
}

export async function readProfile(path: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
}

export function formatProfile(summary: ProfileSummary, title: string): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  return [
    `${title}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.wallMs.toFixed(0)} ms`,
    '  by package:',
    ...summary.packages.map(
      (spot) => `    ${pct(spot.share).padStart(7)}  ${spot.selfMs.toFixed(0).padStart(6)} ms  ${spot.where}`,
    ),
    '  by function (self time):',
    ...summary.functions.map(
      (spot) => `    ${pct(spot.share).padStart(7)}  ${spot.selfMs.toFixed(0).padStart(6)} ms  ${spot.where}`,
    ),
  ].join('\n');
}

/** Summarises the newest `.cpuprofile` in a folder (written by `--cpu-prof` when a server exits) into the log. */
export async function logNewestProfile(context: BenchContext, dir: string, title: string): Promise<void> {
  try {
    const names = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
    const dated = await Promise.all(
      names.map(async (name) => ({ name, time: (await stat(join(dir, name))).mtimeMs })),
    );
    const newest = dated.sort((a, b) => b.time - a.time)[0];
    if (!newest) throw new Error('no profile written');
    const path = join(dir, newest.name);
    context.log(`${path}\n${formatProfile(summarizeProfile(await readProfile(path), 25), title)}`);
  } catch (error) {
    context.log(`${title}: no CPU profile (${String(error)})`);
  }
}
