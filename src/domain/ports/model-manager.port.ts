/**
 * Managing a provider's installed models (CONTRACT section 12): Ollama pulls, deletes and unloads.
 * Providers that can't (hosted APIs) have none. Methods throw `AppError`s, as the chat port does.
 */

/** One status of a pull, as Ollama reports it: per layer, in bytes, in no particular order. */
export interface PullStatus {
  status: string;
  /** The layer this status counts (absent for `pulling manifest`, `verifying sha256 digest`, `success`…). */
  digest?: string;
  total?: number;
  completed?: number;
}

export interface ModelManager {
  /** The pull's statuses as they come; aborting `signal` cancels the download. Ends after `success`. */
  pull(model: string, signal: AbortSignal): AsyncIterable<PullStatus>;
  /** Removes an installed model; `MODEL_NOT_FOUND` when there is none of that name. */
  delete(model: string, signal?: AbortSignal): Promise<void>;
  /** Frees the memory a loaded model holds (Ollama `keep_alive: 0`). */
  unload(model: string, signal?: AbortSignal): Promise<void>;
}
