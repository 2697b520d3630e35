/**
 * Where the page keeps the token: `localStorage` is scoped to this exact origin, port included.
 * (A module of its own, importing nothing: the page's early requests read it too.)
 */
export const TOKEN_STORAGE_KEY = 'lightchat.apiToken';

export const storedToken = (storage: Storage): string | undefined =>
  storage.getItem(TOKEN_STORAGE_KEY) ?? undefined;

/** The token the page's link carries in its fragment (`#token=…`, CONTRACT section 4), if any. */
export const linkToken = (location: Location): string | null =>
  new URLSearchParams(location.hash.slice(1)).get('token');
