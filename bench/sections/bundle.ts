import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchSection } from '../lib/context.js';
import { ROOT } from '../lib/lightchat.js';
import { describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';

const SIZE_GOAL: Goal = { op: '<=', limit: 450, unit: 'KB' };
const AIM_KB = 150;

/**
 * The JavaScript a first visit must load: the page's module scripts and its modulepreloads
 * (`import()`ed chunks load later and are not counted). Paths are as written in index.html.
 */
export function initialScripts(html: string): string[] {
  const found = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attribute = (name: string) =>
      tag.match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i'))?.[1];
    if (/^<script/i.test(tag)) {
      const src = attribute('src');
      if (src) found.add(src);
    } else if (attribute('rel')?.toLowerCase() === 'modulepreload') {
      const href = attribute('href');
      if (href) found.add(href);
    }
  }
  return [...found];
}

export interface InitialJs {
  /** gzip KB of all initial scripts. */
  kb: number;
  rawBytes: number;
  gzipBytes: number;
  files: { path: string; raw: number; gzip: number }[];
}

/** The gzip size of the initial JS of the renderer build that `serve` serves (out/renderer). */
export async function measureInitialJs(): Promise<InitialJs> {
  const dir = join(ROOT, 'out', 'renderer');
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const scripts = initialScripts(html);
  if (scripts.length === 0) throw new Error('out/renderer/index.html names no script');
  let raw = 0;
  let gzip = 0;
  const files: { path: string; raw: number; gzip: number }[] = [];
  for (const script of scripts) {
    const body = await readFile(join(dir, script.replace(/^(\.\/|\/)/, '')));
    const zipped = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gzip += zipped;
    files.push({ path: script, raw: body.length, gzip: zipped });
  }
  return { kb: gzip / 1024, rawBytes: raw, gzipBytes: gzip, files };
}

/** Row 8: gzip size of the initial JS of the renderer build that `serve` serves (out/renderer). */
export const bundleSection: BenchSection = {
  key: 'bundle',
  ids: [{ id: '8', name: 'Renderer initial JS (gzip)' }],
  async run() {
    const { kb, rawBytes, gzipBytes, files } = await measureInitialJs();
    return [
      {
        id: '8',
        name: 'Renderer initial JS (gzip)',
        figure: `${fmt(kb)} KB gzip`,
        reference: `${fmt(rawBytes / 1024)} KB raw, ${files.length} file(s)`,
        ratio: `${fmt(kb / AIM_KB)}× the aim`,
        goal: describeGoal(SIZE_GOAL, AIM_KB),
        status: statusOf([meets(kb, SIZE_GOAL)]),
        note:
          kb > AIM_KB
            ? `above the ${AIM_KB} KB aim: ${files.map((f) => `${f.path} ${fmt(f.gzip / 1024)} KB`).join(', ')}`
            : undefined,
        data: { files, rawBytes, gzipBytes },
      },
    ];
  },
};
