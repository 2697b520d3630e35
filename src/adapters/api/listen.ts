/**
 * Turns a callback subscription (`subscribe(push)` returning an unsubscribe function) into an async
 * generator that ends when `signal` aborts. Values pushed while the consumer is busy are queued.
 */
export async function* listen<T>(
  subscribe: (push: (value: T) => void) => () => void,
  signal: AbortSignal,
): AsyncGenerator<T> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const unsubscribe = subscribe((value) => {
    queue.push(value);
    notify();
  });
  signal.addEventListener('abort', notify, { once: true });
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', notify);
  }
}
