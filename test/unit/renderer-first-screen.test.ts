import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'src/renderer/main.tsx');

interface FirstScreen {
  /** Source files (relative to the repository) the entry loads before anything else. */
  files: Set<string>;
  /** Packages imported by those files, each with the names taken from it. */
  packages: Map<string, Set<string>>;
}

function resolveLocal(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((path) =>
    existsSync(path),
  );
  if (!found) throw new Error(`${relative(ROOT, from)} imports ${specifier}, which is not a source file`);
  return found;
}

/**
 * What the page's first screen loads: the modules reachable from main.tsx by static `import`s that
 * survive compilation (type-only imports vanish; `import()` is where lazy code starts).
 */
function firstScreen(): FirstScreen {
  const files = new Set<string>();
  const packages = new Map<string, Set<string>>();
  const visit = (file: string) => {
    const name = relative(ROOT, file);
    if (files.has(name)) return;
    files.add(name);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      let specifier: string | undefined;
      const names: string[] = [];
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (clause?.isTypeOnly) continue;
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          const values = bindings.elements.filter((element) => !element.isTypeOnly);
          if (!clause?.name && bindings.elements.length > 0 && values.length === 0) continue;
          names.push(...values.map((element) => (element.propertyName ?? element.name).text));
        } else if (bindings) names.push('*');
        if (clause?.name) names.push('default');
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
        names.push('*');
      }
      if (specifier === undefined || specifier.endsWith('.css')) continue;
      if (specifier.startsWith('.')) visit(resolveLocal(file, specifier));
      else {
        const taken = packages.get(specifier) ?? new Set<string>();
        for (const taking of names) taken.add(taking);
        packages.set(specifier, taken);
      }
    }
  };
  visit(ENTRY);
  return { files, packages };
}

describe("the page's first screen (header, sidebar, transcript, composer)", () => {
  const first = firstScreen();

  it('loads Settings, Models, Logs, the Markdown renderer and the sidebar list only when used', () => {
    const lazy = [
      /^src\/renderer\/settings\//,
      /^src\/renderer\/models\/(ModelsDialog|PullPanel)/,
      /^src\/renderer\/logs\/LogDrawer/,
      /^src\/renderer\/markdown\/MarkdownView/,
      /^src\/renderer\/desktop\/DesktopOnly/,
      /^src\/renderer\/history\/(SidebarBody|ConversationList|ConversationMenu|SearchResults)/,
    ];
    expect([...first.files].filter((file) => lazy.some((pattern) => pattern.test(file)))).toEqual([]);
    // Sanity: the walk reaches the first screen's parts.
    expect(first.files).toContain('src/renderer/components/Composer.tsx');
    expect(first.files).toContain('src/renderer/history/Sidebar.tsx');
  });

  it("gives the sidebar list's chunk no stylesheet of its own: the list would wait for it as well", () => {
    const history = join(ROOT, 'src/renderer/history');
    const later = readdirSync(history)
      .map((name) => `src/renderer/history/${name}`)
      .filter((file) => /\.tsx?$/.test(file) && !first.files.has(file));
    expect(later).toContain('src/renderer/history/ConversationList.tsx');
    const withStyles = later.filter((file) =>
      /^import '[^']+\.css';/m.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(withStyles).toEqual([]);
  });

  it('imports no library that only later parts need (zod, Markdown, the virtual list)', () => {
    const later = ['zod', 'streamdown', '@streamdown/code', 'shiki', '@tanstack/react-virtual'];
    const isLater = (name: string) =>
      later.some((library) => name === library || name.startsWith(`${library}/`));
    expect([...first.packages.keys()].filter(isLater)).toEqual([]);
  });

  it("leaves the WebSocket client to the socket worker: the page's own code never parses the stream", () => {
    const trpc = [...(first.packages.get('@trpc/client') ?? [])];
    expect(trpc).toContain('createTRPCClient');
    expect(trpc.filter((name) => ['wsLink', 'createWSClient'].includes(name))).toEqual([]);
  });

  it("uses none of Mantine's overlays: dialogs, menus, tooltips, selects and scroll areas come lazily", () => {
    // Each brings floating-ui, a focus trap, a portal or scroll locking: tens of KB nobody needs
    // before the page has painted.
    const overlays = ['Modal', 'Drawer', 'Menu', 'Popover', 'HoverCard', 'Tooltip', 'Select', 'Combobox'];
    const more = ['Autocomplete', 'MultiSelect', 'ScrollArea', 'FocusTrap', 'Dialog', 'Affix'];
    const used = [...(first.packages.get('@mantine/core') ?? [])];
    expect(used.filter((name) => [...overlays, ...more].includes(name))).toEqual([]);
  });
});
