import { useRef, useSyncExternalStore } from 'react';

/**
 * A value outside React that components read through selectors: a component re-renders only when
 * the part it selected changes (a streaming answer re-renders its own row, not the list or composer).
 */
export interface Store<T> {
  get(): T;
  set(next: T): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Reads `select(store value)`; the selector must return a stable value (a field, a boolean, an id
 * list), or `isEqual` says when a new value is the same as the last one (the last one is kept).
 */
export function useStore<T, S>(
  store: Store<T>,
  select: (value: T) => S,
  isEqual?: (last: S, next: S) => boolean,
): S {
  const last = useRef<S>(undefined);
  return useSyncExternalStore(store.subscribe, () => {
    const next = select(store.get());
    // `undefined` is never compared: it stands for "nothing read yet".
    if (isEqual && last.current !== undefined && isEqual(last.current, next)) return last.current;
    last.current = next;
    return next;
  });
}
