import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { Conversation, ImportResult, SearchResult, StoredMessage } from '../../domain/conversation.js';
import { AppError } from '../../domain/errors.js';
import { uuidV7 } from '../../domain/ids.js';
import type {
  BranchEnd,
  ConversationPage,
  ConversationStore,
  ConversationUpdate,
  HistoryStatus,
  MessageNode,
  MessagesRemoval,
  MessageUpdate,
  NewTurn,
  TurnContext,
} from '../../domain/ports/conversation-store.port.js';
import type { StoreOp, StoreReply, StoreRequest, WorkerOptions } from './worker-protocol.js';

export interface SqliteStoreOptions {
  /** The data directory of CONTRACT section 1: `lightchat.db` lives in it. */
  dataDir: string;
  /** Stamped on the answers this process streams. Default: a new id per store. */
  ownerId?: string;
  /** How often other processes' changes are looked for. */
  pollMs?: number;
  /** A size cap in 4 KiB pages: past it, writes fail as they would on a full disk (SQLITE_FULL). */
  maxPageCount?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: AppError): void;
}

/**
 * The durable `ConversationStore`: `node:sqlite` in a worker thread, behind this async port.
 * A worker thread and not an Electron `utilityProcess`: the same code serves `serve` (plain Node)
 * and the desktop app, and only the store needs to leave the main thread, not the whole core.
 */
export class SqliteConversationStore implements ConversationStore {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<() => void>();
  private current: HistoryStatus = {
    available: false,
    reason: 'failed',
    path: null,
    message: 'History is starting.',
  };
  private nextId = 1;
  private readonly ready: Promise<void>;
  private closed = false;
  private readonly dataDir: string;

  private constructor(options: SqliteStoreOptions) {
    this.dataDir = options.dataDir;
    const workerData: WorkerOptions = {
      dataDir: options.dataDir,
      ownerId: options.ownerId ?? uuidV7(),
      pollMs: options.pollMs ?? 1000,
      ...(options.maxPageCount ? { maxPageCount: options.maxPageCount } : {}),
    };
    const [entry, extra] = workerEntry();
    this.worker = new Worker(entry, { ...extra, workerData });
    let started: () => void = () => {};
    this.ready = new Promise((resolve) => {
      started = resolve;
    });
    this.worker.on('message', (reply: StoreReply) => {
      if (reply.type === 'status') {
        this.current = reply.status;
        started();
        if (this.pending.size === 0) this.worker.unref();
      } else if (reply.type === 'change') {
        for (const listener of this.listeners) listener();
      } else {
        this.settle(reply);
      }
    });
    this.worker.on('error', (error) => {
      this.current = {
        available: false,
        reason: 'failed',
        path: null,
        message: `History stopped: ${error.message}`,
      };
      started();
      for (const [, pending] of this.pending) pending.reject(this.unavailableError());
      this.pending.clear();
    });
  }

  /** Opens the store; resolves once it knows whether history can be used (see `status()`). */
  static async open(options: SqliteStoreOptions): Promise<SqliteConversationStore> {
    const store = new SqliteConversationStore(options);
    await store.ready;
    return store;
  }

  status(): HistoryStatus {
    return this.current;
  }

  list(page: { limit: number; cursor: string | null }): Promise<ConversationPage> {
    return this.call('list', page) as Promise<ConversationPage>;
  }
  get(id: string): Promise<Conversation | null> {
    return this.call('get', id) as Promise<Conversation | null>;
  }
  async create(conversation: Conversation): Promise<void> {
    await this.call('create', conversation);
  }
  update(id: string, update: ConversationUpdate): Promise<Conversation | null> {
    return this.call('update', id, update) as Promise<Conversation | null>;
  }
  delete(id: string): Promise<boolean> {
    return this.call('delete', id) as Promise<boolean>;
  }
  async deleteAll(): Promise<void> {
    await this.call('deleteAll');
  }
  tree(conversationId: string): Promise<MessageNode[]> {
    return this.call('tree', conversationId) as Promise<MessageNode[]>;
  }
  turnContext(conversationId: string): Promise<TurnContext | null> {
    return this.call('turnContext', conversationId) as Promise<TurnContext | null>;
  }
  messages(conversationId: string, ids: readonly string[]): Promise<StoredMessage[]> {
    return this.call('messages', conversationId, ids) as Promise<StoredMessage[]>;
  }
  branchEnd(
    conversationId: string,
    window: { leafId: string | null; last: number; before?: string },
  ): Promise<BranchEnd | null> {
    return this.call('branchEnd', conversationId, window) as Promise<BranchEnd | null>;
  }
  addTurn(turn: NewTurn): Promise<StoredMessage[]> {
    return this.call('addTurn', turn) as Promise<StoredMessage[]>;
  }
  async updateMessage(id: string, update: MessageUpdate): Promise<void> {
    await this.call('updateMessage', id, update);
  }
  async deleteMessages(removal: MessagesRemoval): Promise<void> {
    await this.call('deleteMessages', removal);
  }
  attachmentsInUse(among: readonly string[] | null): Promise<string[]> {
    return this.call('attachmentsInUse', among) as Promise<string[]>;
  }
  search(query: string, limit: number): Promise<SearchResult[]> {
    return this.call('search', query, limit) as Promise<SearchResult[]>;
  }
  streamingConversations(): Promise<string[]> {
    return this.call('streamingConversations') as Promise<string[]>;
  }

  /**
   * The file goes to a temp file in the data directory as it arrives (never whole in memory), then
   * the worker reads and imports it; the temp file is removed either way.
   */
  async importFile(file: AsyncIterable<Uint8Array>): Promise<ImportResult> {
    if (!this.current.available) throw this.unavailableError();
    const temp = join(this.dataDir, `import-${uuidV7()}.partial`);
    try {
      await pipeline(Readable.from(file), createWriteStream(temp, { mode: 0o600, flags: 'wx' }));
      return (await this.send({ id: this.nextId++, op: 'importFile', args: [temp] })) as ImportResult;
    } finally {
      await rm(temp, { force: true });
    }
  }

  onExternalChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async startNewHistory(): Promise<HistoryStatus> {
    return (await this.send({ id: this.nextId++, op: 'startNewHistory', args: [] })) as HistoryStatus;
  }

  /** Checkpoints, closes the database and removes this process's lock file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.send({ id: this.nextId++, op: 'close', args: [] });
    } finally {
      await this.worker.terminate();
    }
  }

  private call(op: StoreOp, ...args: unknown[]): Promise<unknown> {
    if (!this.current.available) return Promise.reject(this.unavailableError());
    return this.send({ id: this.nextId++, op, args });
  }

  private send(request: StoreRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      // Held while a request waits (so the process waits for its answer), released when idle.
      this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  private settle(reply: Extract<StoreReply, { id: number }>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'result') pending.resolve(reply.value);
    else
      pending.reject(new AppError(reply.error.code, reply.error.message, { details: reply.error.details }));
  }

  private unavailableError(): AppError {
    const status = this.current;
    return status.available
      ? new AppError('HISTORY_UNAVAILABLE', 'History is closed.', { details: { reason: 'failed' } })
      : new AppError('HISTORY_UNAVAILABLE', status.message, {
          details: { reason: status.reason, ...(status.path ? { path: status.path } : {}) },
        });
  }
}

/**
 * The worker's file next to this one. Built code runs `store-worker.js` directly; under the tests
 * (TypeScript sources) the worker loads `tsx` to run `store-worker.ts`.
 */
function workerEntry(): [URL, { execArgv?: string[] }] {
  if (import.meta.url.endsWith('.ts')) {
    return [new URL('./store-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] }];
  }
  return [new URL('./store-worker.js', import.meta.url), {}];
}
