/**
 * index.html's first module (an entry of its own, a few KB, loaded `async`): it starts the first
 * screen's requests and paints the shell's sidebar from them while the app's bundle still downloads,
 * then lets the bundle evaluate. The app imports the same modules (one instance: the same file).
 */
import { startShell } from './shell/early-shell';
import { APP_ENTRY_ATTRIBUTE, startAppAfter } from './shell/start-app';
import { earlyRequests } from './transport/early-requests';

const shellPainted = startShell(
  window,
  earlyRequests?.firstPage() ?? Promise.resolve(null),
  earlyRequests?.historyAvailable() ?? Promise.resolve(false),
);
startAppAfter(shellPainted, {
  entry: document.querySelector<HTMLLinkElement>(`link[${APP_ENTRY_ATTRIBUTE}]`)?.href ?? null,
  load: (url) => import(/* @vite-ignore */ url),
});
