import { createStore } from '../state/store';
import { linkToken, TOKEN_STORAGE_KEY } from './token-storage';

export { storedToken, TOKEN_STORAGE_KEY } from './token-storage';

/** Why the server refused this page (no token, or one that was rotated), or null while it is accepted. */
export type TokenProblem = 'missing' | 'wrong' | null;
export const tokenProblem = createStore<TokenProblem>(null);

/**
 * CONTRACT section 4: the link `http://127.0.0.1:<port>/#token=<token>` carries the token in its
 * fragment (never sent to a server). It is moved into `localStorage` and removed from the address
 * bar, so it is neither bookmarked nor shared with a screenshot of the URL.
 */
export function adoptTokenFromLink(location: Location, history: History, storage: Storage): void {
  const token = linkToken(location);
  if (token === null) return;
  if (token !== '') storage.setItem(TOKEN_STORAGE_KEY, token);
  const params = new URLSearchParams(location.hash.slice(1));
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
}
