type Env = Record<string, string | undefined>;

export interface ShellEnvImport {
  platform: NodeJS.Platform;
  /** The environment to complete (process.env). */
  env: Env;
  /** `shellEnv` from the shell-env package: the login shell's variables. */
  loadShellEnv(): Promise<Readonly<Record<string, string>>>;
  timeoutMs?: number;
}

export type ShellEnvResult =
  | { imported: false; reason: 'not_macos' }
  | { imported: true; keys: number }
  | { imported: false; reason: 'failed'; message: string };

/**
 * An app opened from Finder gets launchd's bare environment: no `PATH` from the shell profile, no
 * `OPENAI_API_KEY`, no `HTTPS_PROXY`. On macOS this copies them from the login shell before the core
 * starts. The shell's `PATH` wins; other variables the process already has are kept.
 */
export async function importLoginShellEnv(options: ShellEnvImport): Promise<ShellEnvResult> {
  if (options.platform !== 'darwin') return { imported: false, reason: 'not_macos' };
  try {
    const shell = await withTimeout(options.loadShellEnv(), options.timeoutMs ?? 5_000);
    let keys = 0;
    for (const [key, value] of Object.entries(shell)) {
      if (key !== 'PATH' && options.env[key] !== undefined) continue;
      options.env[key] = value;
      keys += 1;
    }
    return { imported: true, keys };
  } catch (error) {
    // A broken shell profile must not keep the app from starting.
    return {
      imported: false,
      reason: 'failed',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the login shell did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
