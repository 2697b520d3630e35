import type { ApiServices } from '../adapters/api/api-services.js';
import { type AppRouterOptions, createAppRouter } from '../adapters/api/router.js';
import { mergeRouters, publicProcedure, router } from '../adapters/api/trpc.js';
import type { HttpApiStatus } from './http-api.js';
import type { MenuEvents } from './menu-events.js';
import type { Updater } from './updater.js';

/** What the desktop-only procedures need from the main process (injected, so tests need no Electron). */
export interface DesktopServices {
  updater: Pick<Updater, 'changes' | 'checkNow' | 'install'>;
  menuEvents: MenuEvents;
  httpApi(): HttpApiStatus;
  /**
   * `http://127.0.0.1:<port>/#token=<token>` while the HTTP API runs, else null. Only the desktop
   * window asks (IPC): the web page never learns the token any other way than from its link.
   */
  browserLink(): string | null;
  /** "Open settings file": shows the file in Finder / the file manager. */
  revealSettingsFile(): Promise<void>;
  /** "Open logs folder": shows the current log directory (created if logging has not yet). */
  revealLogsFolder(): Promise<void>;
}

function createDesktopOnlyRouter(desktop: DesktopServices) {
  return router({
    update: router({
      status: publicProcedure.subscription(({ signal }) =>
        desktop.updater.changes(signal ?? new AbortController().signal),
      ),
      check: publicProcedure.mutation(() => desktop.updater.checkNow()),
      // A refusal is an answer the UI shows ("a chat is still streaming"), not a failure.
      install: publicProcedure.mutation(() => desktop.updater.install()),
    }),
    desktop: router({
      status: publicProcedure.query(() => ({ httpApi: desktop.httpApi() })),
      browserLink: publicProcedure.query(() => ({ link: desktop.browserLink() })),
      menuEvents: publicProcedure.subscription(({ signal }) =>
        desktop.menuEvents.stream(signal ?? new AbortController().signal),
      ),
      openSettingsFile: publicProcedure.mutation(async () => {
        await desktop.revealSettingsFile();
        return { opened: true };
      }),
      openLogsFolder: publicProcedure.mutation(async () => {
        await desktop.revealLogsFolder();
        return { opened: true };
      }),
    }),
  });
}

/** The `AppRouter` plus the IPC-only procedures (CONTRACT section 5). Never served over HTTP. */
export function createDesktopRouter(
  core: ApiServices,
  desktop: DesktopServices,
  options: AppRouterOptions = {},
) {
  return mergeRouters(createAppRouter(core, options), createDesktopOnlyRouter(desktop));
}

export type DesktopRouter = ReturnType<typeof createDesktopRouter>;
