/**
 * index.html's first module (an entry of its own, a few KB, loaded `async`): it starts the first
 * screen's requests and paints the shell's sidebar from them while the app's bundle still downloads
 * and evaluates. The app imports the same modules (one instance: the same file).
 */
import { startShell } from './shell/early-shell';
import { earlyRequests } from './transport/early-requests';

startShell(
  window,
  earlyRequests?.firstPage() ?? Promise.resolve(null),
  earlyRequests?.historyAvailable() ?? Promise.resolve(false),
);
