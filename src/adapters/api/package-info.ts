import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageInfo {
  root: string;
  version: string;
}

let cached: PackageInfo | undefined;

/**
 * LightChat's package folder and version, found by walking up from this file to the package.json
 * named `lightchat`: the same code runs from `src/` (tsx) and from `out/node/` (built), at different depths.
 */
function packageInfo(): PackageInfo {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      if (manifest.name === 'lightchat') {
        cached = { root: dir, version: typeof manifest.version === 'string' ? manifest.version : '0.0.0' };
        return cached;
      }
    } catch {
      // No package.json at this level: keep walking up.
    }
    if (dirname(dir) === dir) break;
  }
  cached = { root: start, version: '0.0.0' };
  return cached;
}

export const lightChatVersion = (): string => packageInfo().version;

/** The built renderer that `serve` shows as its web UI. */
export const defaultStaticDir = (): string => join(packageInfo().root, 'out', 'renderer');
