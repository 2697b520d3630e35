import { basename, dirname, resolve } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

export interface FileWatch {
  /** Resolves once changes are being seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Calls `onSettled` once a burst of changes to `path` has been quiet for `debounceMs`. Watches the folder,
 * not the file: editors that save by rename (vim, VS Code, write-file-atomic) or delete and recreate
 * replace the file's inode, which a watch on the file itself can lose.
 */
export function watchFile(path: string, debounceMs: number, onSettled: () => void): FileWatch {
  const file = resolve(path);
  const folder = dirname(file);
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const settle = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onSettled, debounceMs);
  };
  const watcher: FSWatcher = watch(folder, {
    ignoreInitial: true,
    depth: 0,
    // Temp files of atomic writers (settings.yaml.1234), swap and backup files are not the settings.
    ignored: (candidate) => candidate !== folder && basename(candidate) !== name,
  });
  watcher.on('all', (_event, changed) => {
    if (basename(changed) === name) settle();
  });
  // A watch error (the folder removed) must not crash the app; the next load or save reports the problem.
  watcher.on('error', () => {});
  const ready = new Promise<void>((done) => {
    watcher.once('ready', () => {
      // Anything written between the last read and the watch starting is picked up here.
      settle();
      done();
    });
  });
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
