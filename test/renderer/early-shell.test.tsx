import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MantineProvider, Switch } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { TRPCClient } from '@trpc/client';
import { createRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newConversation, type Conversation as StoredConversation } from '../../src/domain/conversation';
import { ConversationItem } from '../../src/renderer/history/ConversationItem';
import { LIST_OVERSCAN, ROW_HEIGHTS } from '../../src/renderer/history/row-heights';
import { Sidebar } from '../../src/renderer/history/Sidebar';
import {
  applyColorScheme,
  paintRows,
  SIDEBAR_OPEN_KEY,
  startShell,
  takeShellIntent,
} from '../../src/renderer/shell/early-shell';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import { OPEN_CONVERSATION_KEY } from '../../src/renderer/state/open-conversation';
import { cssVariablesResolver, theme } from '../../src/renderer/theme';
import type { AppRouter } from '../../src/renderer/transport/app-router';
import { TRPCProvider } from '../../src/renderer/transport/trpc';

// The list below the search box is not what these compare (the shell paints its rows itself).
vi.mock('../../src/renderer/history/SidebarBody', () => ({ default: () => null }));

const RENDERER = join(import.meta.dirname, '../../src/renderer');
const uuid = (n: number) => `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const NOW = new Date(2026, 11, 2, 12, 0);

function stored(n: number, fields: Partial<StoredConversation> = {}): StoredConversation {
  return newConversation({
    id: uuid(n),
    title: `Trip ${n}`,
    createdAt: '2026-12-02T10:00:00.000Z',
    updatedAt: new Date(2026, 11, 2, 10, 0).toISOString(),
    messageCount: 2,
    ...fields,
  });
}

/** index.html's shell, as the page has it before the early module runs. */
function shellPage(): HTMLElement {
  const html = readFileSync(join(RENDERER, 'index.html'), 'utf8');
  const root = /<div id="root">([\s\S]*)<\/div>\s*<script/.exec(html)?.[1] ?? '';
  document.body.innerHTML = `<div id="root">${root}</div>`;
  return document.getElementById('lc-shell')!;
}

/** An element's tree as data: tags, attributes (ids and `for` left out: Mantine makes its own) and text. */
function shape(element: Element): unknown {
  const attributes = Object.fromEntries(
    [...element.attributes]
      .filter((attribute) => !['id', 'for', 'data-shell-new-chat'].includes(attribute.name))
      .map((attribute) =>
        // Serialised by the same CSSOM, whatever spelling the markup used.
        attribute.name === 'style'
          ? ['style', (element as HTMLElement).style.cssText]
          : [attribute.name, attribute.value],
      ),
  );
  const children = [...element.childNodes].map((node) =>
    node.nodeType === Node.TEXT_NODE ? node.textContent?.trim() : shape(node as Element),
  );
  return { tag: element.tagName, attributes, children: children.filter((child) => child !== '') };
}

function fakeWindow(options: { wide?: boolean; dark?: boolean } = {}) {
  return {
    document,
    localStorage: window.localStorage,
    sessionStorage: window.sessionStorage,
    innerHeight: 900,
    matchMedia: (query: string) => ({
      matches: query.includes('prefers-color-scheme') ? options.dark === true : options.wide !== false,
    }),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  window.localStorage.clear();
  document.documentElement.removeAttribute('data-mantine-color-scheme');
  takeShellIntent();
});

describe("the page's shell (index.html, painted before the app's bundle evaluates)", () => {
  it("is the app's Conversations sidebar: the same landmark, New chat, search box and Temporary chat switch", () => {
    const shell = shellPage();
    const nav = shell.querySelector('nav')!;
    // Its list container and the Switch's row are compared below; the rest is the Sidebar's own.
    const switchRow = nav.querySelector('.mantine-Switch-root')!;
    const listBox = switchRow.nextElementSibling!;
    switchRow.parentElement!.replaceChildren();
    const shellNav = shape(nav);

    const app = render(
      <MantineProvider theme={theme}>
        <Sidebar onNewChat={() => {}} searchRef={createRef()} />
      </MantineProvider>,
    );
    const appNav = app.container.querySelector('nav')!;
    // The body (lazy, mocked here) goes where the shell has the Switch and the list.
    appNav
      .querySelector('.mantine-Stack-root')!
      .append(Object.assign(document.createElement('div'), { className: 'm_6d731127 mantine-Stack-root' }));
    const bodyBox = appNav.querySelector('.mantine-Stack-root .mantine-Stack-root') as HTMLElement;
    bodyBox.setAttribute(
      'style',
      '--stack-gap: var(--mantine-spacing-xs); --stack-align: stretch; --stack-justify: flex-start; flex: 1 1 0%; min-height: 0px;',
    );
    expect(shellNav).toEqual(shape(appNav));
    app.unmount();

    // The Switch as SidebarBody renders it for a chat that is not temporary.
    const appSwitch = render(
      <MantineProvider theme={theme}>
        <Switch label="Temporary chat" checked={false} onChange={() => {}} />
      </MantineProvider>,
    );
    expect(shape(switchRow)).toEqual(shape(appSwitch.container.querySelector('.mantine-Switch-root')!));
    // The list's box: ConversationList's scroller around its `<ul>`.
    expect(listBox.querySelector('ul')).not.toBeNull();
  });

  it("paints the rows as the app's list does: headings, then items with the app's markup, at the same offsets", () => {
    const list = document.createElement('ul');
    const conversations = [
      stored(1, { pinned: true, title: 'Pinned trip' }),
      stored(2),
      stored(3, { title: null }),
    ];
    paintRows(list, conversations, { now: NOW, activeId: uuid(2), height: 900 });
    const rows = [...list.children] as HTMLLIElement[];
    expect(rows.map((row) => row.textContent)).toEqual([
      'Pinned',
      '📌 Pinned trip⋯',
      'Today',
      'Trip 2⋯',
      'New conversation⋯',
    ]);
    const { heading, conversation } = ROW_HEIGHTS;
    const offsets = [
      0,
      heading,
      heading + conversation,
      2 * heading + conversation,
      2 * heading + 2 * conversation,
    ];
    expect(rows.map((row) => row.style.transform)).toEqual(offsets.map((top) => `translateY(${top}px)`));
    expect(list.style.height).toBe(`${2 * heading + 3 * conversation}px`);

    // Each item is ConversationItem's markup (the shell's button says which conversation it opens).
    const api: ChatApi = {
      start: async () => ({ chatId: 'c', providerId: 'p', modelId: 'm' }),
      events: () => ({ unsubscribe: () => {} }),
    };
    const queryClient = new QueryClient();
    const client = {} as TRPCClient<AppRouter>;
    const app = render(
      <MantineProvider>
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={client} queryClient={queryClient}>
            <AppStateProvider state={createAppState({ api, storage: window.sessionStorage })}>
              {conversations.map((entry) => (
                <ConversationItem key={entry.id} conversation={entry} active={entry.id === uuid(2)} />
              ))}
            </AppStateProvider>
          </TRPCProvider>
        </QueryClientProvider>
      </MantineProvider>,
    );
    const appItems = [...app.container.querySelectorAll('.lc-conversation')].map((item) => item.outerHTML);
    const shellItems = [...list.querySelectorAll('.lc-conversation')].map((item) =>
      item.outerHTML.replace(/ data-conversation-id="[^"]+"/, ''),
    );
    expect(shellItems).toEqual(appItems);
  });

  it('renders, as the virtualised list does, the rows in view and ten more', () => {
    const list = document.createElement('ul');
    const conversations = Array.from({ length: 40 }, (_, index) => stored(index + 1));
    // A heading, then items: 31 + 4 × 32 = 159 px, so the fifth item (row 5) starts past 150 px.
    paintRows(list, conversations, { now: NOW, activeId: null, height: 150 });
    expect(list.children).toHaveLength(5 + LIST_OVERSCAN);
    expect(list.style.height).toBe(`${ROW_HEIGHTS.heading + 40 * ROW_HEIGHTS.conversation}px`);
  });

  it('shows the sidebar with its first page once history is known to be available, in the scheme Mantine will use', async () => {
    const shell = shellPage();
    window.sessionStorage.setItem(OPEN_CONVERSATION_KEY, JSON.stringify({ id: uuid(2), temporary: false }));
    startShell(
      fakeWindow({ dark: true }),
      Promise.resolve({ items: [stored(1), stored(2)] }),
      Promise.resolve(true),
    );
    expect(document.documentElement.getAttribute('data-mantine-color-scheme')).toBe('dark');
    expect(shell.hidden).toBe(true);
    await settle();
    expect(shell.hidden).toBe(false);
    const current = shell.querySelector('[aria-current="page"]');
    expect(current?.textContent).toBe('Trip 2');
  });

  it('stays hidden where the app would not show the list: sidebar closed, narrow window, temporary chat, history off', async () => {
    const cases: [string, () => void, ReturnType<typeof fakeWindow>, boolean][] = [
      ['closed', () => window.localStorage.setItem(SIDEBAR_OPEN_KEY, 'false'), fakeWindow(), true],
      ['narrow', () => {}, fakeWindow({ wide: false }), true],
      [
        'temporary',
        () =>
          window.sessionStorage.setItem(OPEN_CONVERSATION_KEY, JSON.stringify({ id: null, temporary: true })),
        fakeWindow(),
        true,
      ],
      ['history off', () => {}, fakeWindow(), false],
    ];
    for (const [name, arrange, shellWindow, available] of cases) {
      window.localStorage.clear();
      window.sessionStorage.clear();
      const shell = shellPage();
      arrange();
      startShell(shellWindow, Promise.resolve({ items: [stored(1)] }), Promise.resolve(available));
      await settle();
      expect({ name, hidden: shell.hidden }).toEqual({ name, hidden: true });
    }
  });

  it('leaves the page alone once the app has taken its place', async () => {
    const shell = shellPage();
    let answer: (page: { items: StoredConversation[] }) => void = () => {};
    startShell(fakeWindow(), new Promise((resolve) => (answer = resolve)), Promise.resolve(true));
    document.getElementById('root')!.replaceChildren();
    answer({ items: [stored(1)] });
    await settle();
    expect(shell.querySelectorAll('li')).toHaveLength(0);
  });

  it('keeps what the user clicked before the app took over, for the app to do', async () => {
    const shell = shellPage();
    startShell(fakeWindow(), Promise.resolve({ items: [stored(1), stored(2)] }), Promise.resolve(true));
    await settle();
    (shell.querySelector(`[data-conversation-id="${uuid(2)}"] span`) as HTMLElement).click();
    expect(takeShellIntent()).toEqual({ type: 'open', id: uuid(2) });
    expect(takeShellIntent()).toBeNull();
    (shell.querySelector('[data-shell-new-chat] span') as HTMLElement).click();
    expect(takeShellIntent()).toEqual({ type: 'new-chat' });
  });

  it("follows the colour scheme chosen in the app (Mantine's stored value) over the system's", () => {
    window.localStorage.setItem('mantine-color-scheme-value', 'light');
    applyColorScheme(fakeWindow({ dark: true }));
    expect(document.documentElement.getAttribute('data-mantine-color-scheme')).toBe('light');
    window.localStorage.setItem('mantine-color-scheme-value', 'auto');
    applyColorScheme(fakeWindow({ dark: true }));
    expect(document.documentElement.getAttribute('data-mantine-color-scheme')).toBe('dark');
  });

  it("has the theme's CSS variables in the first stylesheet, as MantineProvider writes them", () => {
    const app = render(
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <p>app</p>
      </MantineProvider>,
    );
    const written = document.querySelector('style[data-mantine-styles="true"]')?.textContent ?? '';
    app.unmount();
    const declarations = (css: string) =>
      [...css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^{}]*)\}/g)].flatMap(
        ([, selector, body]) =>
          (body ?? '')
            .split(';')
            .map((declaration) => declaration.trim())
            .filter(Boolean)
            .map((declaration) => `${selector?.trim()} ${declaration.replace(/\s*:\s*/, ': ')}`),
      );
    const file = readFileSync(join(RENDERER, 'shell/theme-variables.css'), 'utf8');
    expect(declarations(written).length).toBeGreaterThan(10);
    expect(declarations(file)).toEqual(declarations(written));
  });
});
