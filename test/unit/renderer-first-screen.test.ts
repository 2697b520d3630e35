import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstScreen, moduleGraph, ROOT } from './support/renderer-modules.js';

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
    // The list's chunk: what SidebarBody loads statically beyond the first screen (its menus and
    // dialogs are loaded when opened, with their own styles).
    const list = [...moduleGraph('src/renderer/history/SidebarBody.tsx').files].filter(
      (file) => !first.files.has(file),
    );
    expect(list).toContain('src/renderer/history/ConversationList.tsx');
    const withStyles = list.filter((file) =>
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
