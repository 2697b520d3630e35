import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** What a part of the page loads together: its modules and what they import. */
export interface ModuleGraph {
  /** Source files (relative to the repository), reached by static imports. */
  files: Set<string>;
  /** Packages imported by those files, each with the names taken from it. */
  packages: Map<string, Set<string>>;
  /** Stylesheets imported (repository-relative for the app's own, the specifier for a package's). */
  stylesheets: Set<string>;
  /** Source files these files load later, by `import()`. */
  lazy: Set<string>;
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
 * The modules reachable from `entry` (repository-relative) by static `import`s that survive
 * compilation (type-only imports vanish; `import()` is where lazy code starts, and is listed apart).
 */
export function moduleGraph(entry: string): ModuleGraph {
  const known = graphs.get(entry);
  if (known) return known;
  const graph: ModuleGraph = {
    files: new Set(),
    packages: new Map(),
    stylesheets: new Set(),
    lazy: new Set(),
  };
  const visit = (file: string) => {
    const name = relative(ROOT, file);
    if (graph.files.has(name)) return;
    graph.files.add(name);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const findLazy = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0]) &&
        node.arguments[0].text.startsWith('.')
      ) {
        graph.lazy.add(relative(ROOT, resolveLocal(file, node.arguments[0].text)));
      }
      ts.forEachChild(node, findLazy);
    };
    findLazy(source);
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
        const clause = statement.exportClause;
        if (clause && ts.isNamedExports(clause)) {
          names.push(...clause.elements.map((element) => (element.propertyName ?? element.name).text));
        } else names.push('*');
      }
      if (specifier === undefined) continue;
      if (specifier.endsWith('.css')) {
        graph.stylesheets.add(
          specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier)) : specifier,
        );
      } else if (specifier.startsWith('.')) visit(resolveLocal(file, specifier));
      else {
        const taken = graph.packages.get(specifier) ?? new Set<string>();
        for (const taking of names) taken.add(taking);
        graph.packages.set(specifier, taken);
      }
    }
  };
  visit(join(ROOT, entry));
  graphs.set(entry, graph);
  return graph;
}

// Each part's graph is walked once per test file: the sources do not change while tests run.
const graphs = new Map<string, ModuleGraph>();

/** What the page's first screen loads: everything main.tsx imports statically. */
export function firstScreen(): ModuleGraph {
  return moduleGraph('src/renderer/main.tsx');
}
