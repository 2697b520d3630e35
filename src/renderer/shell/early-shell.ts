import type { Conversation } from '../../domain/conversation';
import { type ListRow, listRows, titleOf } from '../history/conversation-groups';
import { LIST_OVERSCAN, ROW_HEIGHTS } from '../history/row-heights';
import { OPEN_CONVERSATION_KEY } from '../state/open-conversation';

/** Where App keeps whether the sidebar is open (Mantine's useLocalStorage: JSON `true`/`false`). */
export const SIDEBAR_OPEN_KEY = 'lightchat.sidebar';
/**
 * From this width (1100 px) the Conversations sidebar sits beside the conversation, leaving the header
 * room for its buttons (AppHeader's ACTIONS_FIT); below, it slides over the conversation.
 */
export const SIDE_BY_SIDE = '(min-width: 68.75em)';
/** Mantine's colour scheme manager's key (the default one: the app does not set its own). */
const COLOR_SCHEME_KEY = 'mantine-color-scheme-value';

/** What the user did in the shell before the app took over: the app does it once it is there. */
export type ShellIntent = { type: 'open'; id: string } | { type: 'new-chat' } | { type: 'search' };

let intent: ShellIntent | null = null;

/** The user's action in the shell, once (null if none). */
export function takeShellIntent(): ShellIntent | null {
  const taken = intent;
  intent = null;
  return taken;
}

interface ShellWindow {
  document: Document;
  localStorage: Storage;
  sessionStorage: Storage;
  matchMedia(query: string): { matches: boolean };
  innerHeight: number;
}

/**
 * Mantine's colour scheme on `<html>` before any paint, as its provider sets it on mount (the stored
 * choice, else the system's): the shell and the app then paint in the same scheme.
 */
export function applyColorScheme(window: ShellWindow): void {
  const stored = window.localStorage.getItem(COLOR_SCHEME_KEY);
  const scheme =
    stored === 'light' || stored === 'dark'
      ? stored
      : window.matchMedia('(prefers-color-scheme: dark)').matches
        ? 'dark'
        : 'light';
  window.document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
}

function readJson(storage: Storage, key: string): unknown {
  try {
    return JSON.parse(storage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

/**
 * Whether the app's first screen has the sidebar's list beside the conversation, as the shell
 * paints it: a wide window, the sidebar left open, a stored conversation or a new (not temporary) chat.
 */
export function shellShowsSidebar(window: ShellWindow): boolean {
  if (!window.matchMedia(SIDE_BY_SIDE).matches) return false;
  if (readJson(window.localStorage, SIDEBAR_OPEN_KEY) === false) return false;
  const open = readJson(window.sessionStorage, OPEN_CONVERSATION_KEY) as { temporary?: unknown } | null;
  return open?.temporary !== true;
}

function openId(window: ShellWindow): string | null {
  const open = readJson(window.sessionStorage, OPEN_CONVERSATION_KEY) as { id?: unknown } | null;
  return typeof open?.id === 'string' ? open.id : null;
}

/** One row as ConversationList renders it (virtualised: absolutely placed at its offset). */
function rowElement(document: Document, row: ListRow, index: number, top: number, activeId: string | null) {
  const li = document.createElement('li');
  li.dataset.index = String(index);
  li.style.cssText = `position: absolute; top: 0px; left: 0px; right: 0px; transform: translateY(${top}px);`;
  if (row.type === 'heading') {
    const heading = document.createElement('p');
    heading.className = 'lc-conversation-heading';
    heading.textContent = row.name;
    li.append(heading);
    return li;
  }
  const { conversation } = row;
  const title = titleOf(conversation);
  const active = conversation.id === activeId;
  const item = document.createElement('div');
  item.className = 'lc-conversation';
  if (active) item.dataset.active = 'true';
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'lc-conversation-open mantine-focus-auto';
  if (active) open.setAttribute('aria-current', 'page');
  open.dataset.conversationId = conversation.id;
  const label = document.createElement('span');
  label.className = 'lc-conversation-title';
  if (conversation.pinned) {
    const pin = document.createElement('span');
    pin.setAttribute('aria-hidden', 'true');
    pin.textContent = '📌 ';
    label.append(pin);
  }
  label.append(title);
  open.append(label);
  const actions = document.createElement('button');
  actions.type = 'button';
  actions.className = 'lc-conversation-actions mantine-focus-auto mantine-active';
  actions.setAttribute('aria-label', `Actions for ${title}`);
  actions.setAttribute('aria-haspopup', 'menu');
  actions.setAttribute('aria-expanded', 'false');
  actions.textContent = '⋯';
  item.append(open, actions);
  li.append(item);
  return li;
}

/**
 * The list's rows into the shell's `<ul>`, placed and sized as the app's virtualised list places them
 * on its first render: those starting within `height` (the window's, as the list starts from), and
 * the overscan after them.
 */
export function paintRows(
  list: HTMLUListElement,
  conversations: Conversation[],
  options: { now: Date; activeId: string | null; height: number },
): void {
  const rows = listRows(conversations, options.now);
  const items: HTMLLIElement[] = [];
  let top = 0;
  let lastInView = -1;
  rows.forEach((row, index) => {
    if (top < options.height) lastInView = index;
    if (index <= lastInView + LIST_OVERSCAN) {
      items.push(rowElement(list.ownerDocument, row, index, top, options.activeId));
    }
    top += ROW_HEIGHTS[row.type];
  });
  list.style.height = `${top}px`;
  list.replaceChildren(...items);
}

/**
 * The shell in index.html's `#root` (the layout and the Conversations sidebar, in the app's markup):
 * shown when the app's first screen has the sidebar beside the conversation, its list painted from
 * the first page as soon as it is answered — before the app's bundle has evaluated. React replaces
 * it in its first commit, which has the same list (main.tsx waits for it). What the user clicks in
 * it meanwhile is kept for the app (`takeShellIntent`).
 */
export function startShell(
  window: ShellWindow,
  firstPage: Promise<{ items: Conversation[] } | null>,
  historyAvailable: Promise<boolean>,
): void {
  applyColorScheme(window);
  const shell = window.document.getElementById('lc-shell');
  const list = shell?.querySelector('ul');
  if (!shell || !list || !shellShowsSidebar(window)) return;
  shell.addEventListener('click', (event) => {
    const target = event.target as Element;
    const open = target.closest<HTMLElement>('[data-conversation-id]');
    if (open?.dataset.conversationId) intent = { type: 'open', id: open.dataset.conversationId };
    else if (target.closest('[data-shell-new-chat]')) intent = { type: 'new-chat' };
  });
  shell.addEventListener('focusin', (event) => {
    if ((event.target as Element).matches('input[type="search"]')) intent ??= { type: 'search' };
  });
  void Promise.all([firstPage, historyAvailable]).then(
    ([page, available]) => {
      // The app took over already, or it will show something else (history is off, or no answer).
      if (!shell.isConnected || !available || page === null) return;
      paintRows(list, page.items, { now: new Date(), activeId: openId(window), height: window.innerHeight });
      shell.hidden = false;
    },
    () => {},
  );
}
