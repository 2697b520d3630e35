import type { Store } from './store';

/** Reads a JSON value saved by `persist`, or undefined when missing, unreadable or of the wrong shape. */
export function restore<T>(
  storage: Storage,
  key: string,
  isValid: (value: unknown) => value is T,
): T | undefined {
  try {
    const raw = storage.getItem(key);
    if (raw === null) return undefined;
    const value: unknown = JSON.parse(raw);
    return isValid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Saves the store's value under `key` a moment after it changes, and at once when the page is hidden
 * or unloaded, so a reload keeps everything up to the last token. While `holdWhile(value)` is true
 * (an answer streaming) changes wait for the next one that is not, or for the page to be hidden:
 * writing a long conversation costs milliseconds, too many to spend on every streamed update.
 */
export function persist<T>(options: {
  store: Store<T>;
  storage: Storage;
  key: string;
  delayMs?: number;
  holdWhile?: (value: T) => boolean;
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}): () => void {
  const { store, storage, key, delayMs = 400, holdWhile = () => false, target = window } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saved = store.get();
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    const value = store.get();
    if (value === saved) return;
    saved = value;
    try {
      storage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the conversation still works, it just will not survive a reload.
    }
  };
  const unsubscribe = store.subscribe(() => {
    if (!holdWhile(store.get())) timer ??= setTimeout(save, delayMs);
  });
  target.addEventListener('pagehide', save);
  return () => {
    save();
    unsubscribe();
    target.removeEventListener('pagehide', save);
  };
}
