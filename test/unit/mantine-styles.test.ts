import { describe, expect, it } from 'vitest';
import {
  GLOBAL_STYLES,
  mantineOrder,
  mantineStylesIn,
  stylesBytes,
  stylesNeededBy,
} from './support/mantine-styles.js';
import { firstScreen, type ModuleGraph, moduleGraph } from './support/renderer-modules.js';

/** Mantine's components (capitalised names, not hooks or helpers) a part of the page renders. */
const componentsOf = (graph: ModuleGraph) =>
  [...(graph.packages.get('@mantine/core') ?? [])].filter(
    (name) => /^[A-Z][a-z]/.test(name) && name !== 'MantineProvider',
  );

/** Every part of the page loaded by `import()`, however deep. */
function lazyParts(): string[] {
  const parts = new Set<string>();
  const queue = [...firstScreen().lazy];
  while (queue.length > 0) {
    const part = queue.shift() as string;
    if (parts.has(part)) continue;
    parts.add(part);
    queue.push(...moduleGraph(part).lazy);
  }
  return [...parts];
}

describe("the page's Mantine stylesheets", () => {
  const first = firstScreen();
  const firstStyles = mantineStylesIn(first.stylesheets);

  it("holds, on the first screen, every style its components need, and a third of Mantine's 300 KB", () => {
    const needed = [...GLOBAL_STYLES, ...stylesNeededBy(componentsOf(first))];
    expect(needed).toContain('Button');
    expect(needed.filter((name) => !firstStyles.includes(name))).toEqual([]);
    // All of Mantine is 300 KB of CSS that blocks the first paint; the first screen uses a fraction.
    expect(stylesBytes(new Set(firstStyles))).toBeLessThan(110_000);
  });

  it('brings, with each lazily loaded part, the styles its components need beyond the first screen', () => {
    const parts = lazyParts();
    expect(parts).toContain('src/renderer/settings/SettingsDialog.tsx');
    const missing = parts.flatMap((part) => {
      const graph = moduleGraph(part);
      const present = new Set([...firstStyles, ...mantineStylesIn(graph.stylesheets)]);
      return [...stylesNeededBy(componentsOf(graph))]
        .filter((name) => !present.has(name))
        .map((name) => `${part} needs ${name}.css`);
    });
    expect(missing).toEqual([]);
  });

  it('adds no stylesheet while the page starts: the parts it loads at once bring none of their own', () => {
    // A stylesheet added during the start makes the browser restyle every element: the sidebar list's
    // first layout took 390 ms instead of 35 (bench 10j --profile) when the selects brought one.
    const atStart = [
      'src/renderer/history/SidebarBody.tsx',
      'src/renderer/components/select-module.tsx',
      'src/renderer/components/tooltip-module.tsx',
      'src/renderer/components/HeaderMenu.tsx',
      'src/renderer/desktop/DesktopOnly.tsx',
    ];
    expect(lazyParts()).toEqual(expect.arrayContaining(atStart));
    const withStyles = atStart.filter((part) => moduleGraph(part).stylesheets.size > 0);
    expect(withStyles).toEqual([]);
  });

  it("cascades each component's styles in Mantine's order (its bases before it), lazily loaded or not", () => {
    // Later stylesheets come after the first screen's in the page; what a component draws with (Select:
    // Input, Combobox, Popover…) must still come in Mantine's order, or a base overrides the component.
    const order = mantineOrder();
    const wrong = [first, ...lazyParts().map(moduleGraph)].flatMap((graph) => {
      const later = mantineStylesIn(graph.stylesheets).filter((name) => !firstStyles.includes(name));
      const cascade = [...firstStyles, ...later];
      return componentsOf(graph).flatMap((component) => {
        const styles = [...stylesNeededBy([component])].filter((name) => cascade.includes(name));
        const inPage = [...styles].sort((a, b) => cascade.indexOf(a) - cascade.indexOf(b));
        const inMantine = [...styles].sort((a, b) => order.indexOf(a) - order.indexOf(b));
        return inPage.join() === inMantine.join() ? [] : [`${component}: ${inPage.join(' ')}`];
      });
    });
    expect(wrong).toEqual([]);
  });
});
