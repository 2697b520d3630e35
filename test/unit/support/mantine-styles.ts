import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT } from './renderer-modules.js';

const CORE = join(ROOT, 'node_modules/@mantine/core');
const ESM = join(CORE, 'esm');
/** What every page needs before any component: the reset, the theme's variables, the global rules. */
export const GLOBAL_STYLES = ['baseline', 'default-css-variables', 'global'];

const RELATIVE_IMPORT = /(?:import|export)[^'"]*from\s*["'](\.[^"']+)["']|import\s*["'](\.[^"']+)["']/g;

/**
 * The Mantine stylesheets (`@mantine/core/styles/<name>.css`, by name) the given components need:
 * each component's module and the modules it imports, whose `<name>.module.mjs` is the class names
 * of `<name>.css` (Button brings UnstyledButton and Loader, Select brings Combobox, Popover, Input…).
 */
export function stylesNeededBy(components: Iterable<string>): Set<string> {
  const index = readFileSync(join(ESM, 'index.mjs'), 'utf8');
  const needed = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const module = /([^/]+)\.module\.mjs$/.exec(file);
    if (module?.[1]) needed.add(module[1]);
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (specifier?.endsWith('.mjs')) visit(resolve(dirname(file), specifier));
    }
  };
  for (const component of components) {
    const from = new RegExp(`import \\{[^}]*\\b${component}\\b[^}]*\\} from "(\\./[^"]+)"`).exec(index);
    if (!from?.[1]) throw new Error(`@mantine/core exports no ${component}`);
    visit(join(ESM, from[1]));
  }
  return needed;
}

/** Mantine's own order of its stylesheets: the order in which `styles.css` concatenates them. */
export function mantineOrder(): string[] {
  const all = readFileSync(join(CORE, 'styles.css'), 'utf8');
  return readdirSync(join(CORE, 'styles'))
    .filter((file) => file.endsWith('.css') && !file.endsWith('.layer.css'))
    .map((file) => file.slice(0, -'.css'.length))
    .map((name) => ({
      name,
      at: all.indexOf(readFileSync(stylesheetPath(name), 'utf8').trim().slice(0, 200)),
    }))
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.name);
}

export function stylesheetPath(name: string): string {
  return join(CORE, 'styles', `${name}.css`);
}

/** Bytes of the given Mantine stylesheets, unminified. */
export function stylesBytes(names: Iterable<string>): number {
  let total = 0;
  for (const name of names) total += statSync(stylesheetPath(name)).size;
  return total;
}

/**
 * The Mantine stylesheets a set of imported stylesheets brings, in the order they come: a package's
 * own file, or the app's CSS files and their `@import`s (Vite inlines them in place).
 */
export function mantineStylesIn(stylesheets: Iterable<string>): string[] {
  const found: string[] = [];
  const add = (specifier: string, from: string | null) => {
    if (specifier === '@mantine/core/styles.css') found.push(...mantineOrder());
    else if (specifier.startsWith('@mantine/core/styles/')) {
      found.push(specifier.slice('@mantine/core/styles/'.length, -'.css'.length));
    } else if (!specifier.startsWith('@')) {
      const path = from === null ? join(ROOT, specifier) : resolve(dirname(from), specifier);
      for (const match of readFileSync(path, 'utf8').matchAll(/@import\s+['"]([^'"]+)['"]/g)) {
        if (match[1]) add(match[1], path);
      }
    }
  };
  for (const stylesheet of stylesheets) add(stylesheet, null);
  return found;
}
