import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { AppServer } from './app-server.js';
import { openPage, type PageLook, type PageProblems } from './browser.js';
import type { World } from './world.js';

/** Answers stream for a few seconds: this only stops a hung one, far above that on a loaded machine. */
export const ANSWER_HANG_MS = 45_000;

/** The pages a test file opened on its world: the ones still open, and what each page reported. */
interface OpenedPages {
  contexts: BrowserContext[];
  problems: PageProblems[];
}

const openedOn = new WeakMap<World, OpenedPages>();

function pagesOf(world: World): OpenedPages {
  let pages = openedOn.get(world);
  if (!pages) {
    pages = { contexts: [], problems: [] };
    openedOn.set(world, pages);
  }
  return pages;
}

export interface OpenAppOptions extends PageLook {
  /**
   * Keep the pages opened before this one (two tabs at once). Otherwise they are closed first: each
   * open page holds its subscriptions' connections, six per host in all.
   */
  keep?: boolean;
  /** Another server than the world's (one with settings or a data directory of its own). */
  app?: AppServer;
}

/** Loading the app takes a second or two; this only stops a hung page (several tabs on a loaded machine). */
const READY_HANG_MS = 60_000;

/** The app is ready for a user: its model list has loaded, so the `Model` select is enabled. */
export const appReady = (page: Page): Promise<void> =>
  page
    .getByRole('combobox', { name: 'Model' })
    .and(page.locator('input:not([disabled])'))
    .waitFor({ timeout: READY_HANG_MS });

/**
 * A fresh page of the app, opened through its token link, once it is ready and follows settings.yaml
 * (a hand edit made before that subscription is sent goes unseen). What the page reports (errors,
 * CSP violations) is collected for `problemsSeen`.
 */
export async function openApp(world: World, options: OpenAppOptions = {}): Promise<Page> {
  const { app = world.app, keep = false, ...look } = options;
  const pages = pagesOf(world);
  if (!keep) for (const context of pages.contexts.splice(0)) await context.close();
  const opened = await openPage(world.browser, app.link, look);
  pages.contexts.push(opened.context);
  pages.problems.push(opened.problems);
  await appReady(opened.page);
  await opened.following;
  return opened.page;
}

/** Every page error and CSP violation of the pages `openApp` opened on this world (none, we expect). */
export function problemsSeen(world: World): PageProblems {
  const problems = pagesOf(world).problems;
  return {
    csp: problems.flatMap((page) => page.csp),
    errors: problems.flatMap((page) => page.errors),
  };
}

export const sidebar = (page: Page): Locator => page.getByRole('navigation', { name: 'Conversations' });
export const conversation = (page: Page): Locator => page.getByRole('region', { name: 'Conversation' });
export const answers = (page: Page): Locator =>
  conversation(page).getByRole('article', { name: 'Assistant message' });
export const questions = (page: Page): Locator =>
  conversation(page).getByRole('article', { name: 'User message' });
export const lastAnswer = (page: Page): Locator => answers(page).last();

/** Whether an element's top is within the window: a message the page has scrolled to. */
export const topInView = (element: Locator): Promise<boolean> =>
  element.evaluate((box) => {
    const { top } = box.getBoundingClientRect();
    return top >= 0 && top < window.innerHeight;
  });

/** Types a message into the composer and sends it (it does not wait for the answer). */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

/**
 * Waits until an answer has finished (its Regenerate or Retry button shows, or the one named) and a
 * frame has painted it. A finished message gets `content-visibility: auto`: until a frame has found it
 * on screen, its text is skipped by innerText, so read an answer's text only after this.
 */
export async function finished(
  answer: Locator,
  endsWith: 'Regenerate' | 'Retry' | 'either' = 'either',
): Promise<void> {
  const button = endsWith === 'either' ? /^(Regenerate|Retry)$/ : endsWith;
  await answer.getByRole('button', { name: button, exact: true }).waitFor({ timeout: ANSWER_HANG_MS });
  // At most a few dozen frames: a message off screen stays skipped however long we wait.
  await answer.evaluate(
    (article) =>
      new Promise<void>((resolve) => {
        let frames = 0;
        const settled = () => {
          const blocks = [...article.querySelectorAll('.lc-block')].map((block) => block.firstElementChild);
          const shown = [article.firstElementChild, ...blocks].every(
            (element) => !element || element.checkVisibility({ contentVisibilityAuto: true }),
          );
          if (shown || ++frames > 60) resolve();
          else requestAnimationFrame(settled);
        };
        requestAnimationFrame(settled);
      }),
  );
}
