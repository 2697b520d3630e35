/**
 * Where the page keeps the token: `localStorage` is scoped to this exact origin, port included.
 * (A module of its own, importing nothing: the page's early requests read it too.)
 */
export const TOKEN_STORAGE_KEY = 'lightchat.apiToken';

export const storedToken = (storage: Storage): string | undefined =>
  storage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
