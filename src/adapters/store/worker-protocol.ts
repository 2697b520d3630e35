import type { ErrorCode } from '../../domain/errors.js';
import type { HistoryStatus } from '../../domain/ports/conversation-store.port.js';
import type { HistoryDatabase } from './history-database.js';

/** What the main thread and the store's worker thread say to each other. */

export interface WorkerOptions {
  dataDir: string;
  ownerId: string;
  /** How often other processes' changes are looked for (`PRAGMA data_version`). */
  pollMs: number;
  /** A size cap in pages (`PRAGMA max_page_count`): past it, writes fail as on a full disk. */
  maxPageCount?: number;
}

/** The operations of HistoryDatabase, plus the worker's own. */
export type StoreOp = keyof Pick<
  HistoryDatabase,
  | 'list'
  | 'get'
  | 'create'
  | 'update'
  | 'delete'
  | 'deleteAll'
  | 'tree'
  | 'turnContext'
  | 'messages'
  | 'branchEnd'
  | 'addTurn'
  | 'updateMessage'
  | 'deleteMessages'
  | 'search'
  | 'attachmentsInUse'
  | 'streamingConversations'
>;

export type StoreRequest =
  | { id: number; op: StoreOp; args: unknown[] }
  | { id: number; op: 'startNewHistory' | 'close'; args: [] }
  /** Reads an export file in the worker and writes what is new (CONTRACT section 10). */
  | { id: number; op: 'importFile'; args: [path: string] };

export interface WireError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export type StoreReply =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failure'; id: number; error: WireError }
  | { type: 'status'; status: HistoryStatus }
  | { type: 'change' };
