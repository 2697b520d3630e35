import { attachmentsOf } from '../attachment.js';
import {
  type Conversation,
  type ConversationPatch,
  conversationPatchSchema,
  createConversationSchema,
  type ImportResult,
  idSchema,
  type Message,
  type NewMessage,
  newConversation,
  newMessage,
  type SearchResult,
  type StoredMessage,
  turnTargetSchema,
} from '../conversation.js';
import type { AppError } from '../errors.js';
import { uuidV7 } from '../ids.js';
import type { AttachmentStore } from '../ports/attachment-store.port.js';
import type {
  ConversationPage,
  ConversationStore,
  HistoryStatus,
  TurnContext,
} from '../ports/conversation-store.port.js';
import type { Think } from '../think.js';
import { type BranchWindow, windowOf, windowSize } from './branch-window.js';
import { firstLineTitle } from './conversation-title.js';
import { ConversationTree } from './conversation-tree.js';
import {
  conversationNotFound,
  HISTORY_DISABLED,
  historyUnavailable,
  invalidInput,
  messageNotFound,
} from './history-errors.js';
import { StoredTurn, systemTimers, type TurnTimers } from './stored-turn.js';
import { branchAsChat, placeTurn, type TurnPlan } from './turn-plan.js';

export interface ConversationServiceDeps {
  /** The durable history (it may be unavailable: damaged, newer, off). */
  store: ConversationStore;
  /** Temporary conversations: in memory only, never in the database. */
  temporary: ConversationStore;
  /** False (`--no-history`, `history.enabled: false`): every conversation is temporary. */
  historyEnabled?: () => boolean;
  /** Attached files: the last message using one takes it with it when deleted (CONTRACT section 12). */
  attachments?: Pick<AttachmentStore, 'remove' | 'uploadedBefore'>;
  timers?: TurnTimers;
  newId?: () => string;
}

/** A conversation with every message of its tree, in `seq` order (a parent before its children). */
export interface ExportedConversation {
  conversation: Conversation;
  messages: StoredMessage[];
}

/** A conversation with (part of) one branch, root first; `earlier`: messages of the branch before it. */
export interface ConversationBranch {
  conversation: Conversation;
  messages: Message[];
  earlier: number;
}

/** Something changed in a conversation (null: another process changed history). */
export type ConversationChange = { conversationId: string | null };

export interface TurnHooks {
  onError(error: AppError): void;
}

/** The conversations of CONTRACT section 10: the tree, turns, titles and what a chat writes. */
export class ConversationService {
  private readonly timers: TurnTimers;
  private readonly newId: () => string;
  private readonly listeners = new Set<(change: ConversationChange) => void>();

  constructor(private readonly deps: ConversationServiceDeps) {
    this.timers = deps.timers ?? systemTimers;
    this.newId = deps.newId ?? (() => uuidV7(this.timers.now()));
    deps.store.onExternalChange(() => this.emit(null));
  }

  status(): HistoryStatus {
    return this.historyEnabled() ? this.deps.store.status() : HISTORY_DISABLED;
  }

  /** Stored conversations, pinned first, then newest; temporary ones are not listed. */
  async list(page: { limit?: number; cursor?: string | null } = {}): Promise<ConversationPage> {
    return this.durable().list({ limit: page.limit ?? 50, cursor: page.cursor ?? null });
  }

  async create(input: unknown): Promise<Conversation> {
    const parsed = createConversationSchema.safeParse(input ?? {});
    if (!parsed.success) throw invalidInput('conversation', parsed.error);
    const conversation = this.draft({ ...parsed.data, temporary: parsed.data.temporary === true });
    await this.storeFor(conversation).create(conversation);
    this.emit(conversation.id);
    return conversation;
  }

  /**
   * The conversation and one branch of it, root first: through `through`, else the current one. A
   * window (`last`, `before`) gives only part of it; `earlier` counts the branch's messages before it.
   */
  async get(id: string, options: BranchWindow & { through?: string } = {}): Promise<ConversationBranch> {
    const { conversation, store } = await this.find(id);
    const last = windowSize(options);
    if (last !== undefined && options.through === undefined) {
      // The current branch's end, read from its leaf up: it costs the window, not the branch.
      const end = await store.branchEnd(id, {
        leafId: conversation.currentLeafId,
        last,
        ...(options.before === undefined ? {} : { before: options.before }),
      });
      if (!end) throw messageNotFound(id, options.before ?? '', 'before');
      return { conversation, messages: end.messages, earlier: end.earlier };
    }
    const tree = new ConversationTree(await store.tree(id));
    let ids = tree.pathTo(conversation.currentLeafId);
    if (options.through !== undefined) {
      if (!tree.get(options.through)) throw messageNotFound(id, options.through, 'through');
      ids = tree.branchThrough(options.through);
    }
    const window = windowOf(id, ids, options);
    const messages = await store.messages(id, window.ids);
    return {
      conversation,
      messages: messages.map((message) => ({ ...message, siblingIds: tree.siblingIds(message.id) })),
      earlier: window.earlier,
    };
  }

  /** `currentLeafId` may name any message: the conversation then shows its newest leaf. */
  async update(id: string, input: unknown): Promise<Conversation> {
    const parsed = conversationPatchSchema.safeParse(input ?? {});
    if (!parsed.success) throw invalidInput('conversation change', parsed.error);
    const { conversation, store } = await this.find(id);
    const patch: ConversationPatch = parsed.data;
    let currentLeafId: string | undefined;
    if (patch.currentLeafId !== undefined) {
      const tree = new ConversationTree(await store.tree(id));
      if (!tree.get(patch.currentLeafId)) throw messageNotFound(id, patch.currentLeafId, 'current_leaf_id');
      currentLeafId = tree.newestLeaf(patch.currentLeafId) ?? undefined;
    }
    const updated = await store.update(conversation.id, {
      ...stripUndefined({
        title: patch.title,
        pinned: patch.pinned,
        providerId: patch.providerId,
        modelId: patch.modelId,
        systemPrompt: patch.systemPrompt,
        numCtx: patch.numCtx,
        think: patch.think,
        tools: patch.tools,
        currentLeafId,
      }),
      updatedAt: this.stamp(),
    });
    if (!updated) throw conversationNotFound(id);
    this.emit(id);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const { store } = await this.find(id);
    const files = filesOf(await this.allMessages(store, id));
    if (!(await store.delete(id))) throw conversationNotFound(id);
    this.emit(id);
    await this.releaseFiles(files);
  }

  /** Deletes a message and everything that follows it, on every branch below it. */
  async deleteMessage(id: string, messageId: string): Promise<void> {
    const { conversation, store } = await this.find(id);
    const tree = new ConversationTree(await store.tree(id));
    const node = tree.get(messageId);
    if (!node) throw messageNotFound(id, messageId);
    const ids = tree.subtree(messageId);
    const files = filesOf(await store.messages(id, ids));
    await store.deleteMessages({
      conversationId: id,
      ids,
      currentLeafId: tree.leafAfterRemoval(conversation.currentLeafId, new Set(ids), node.parentId),
      updatedAt: this.stamp(),
    });
    this.emit(id);
    await this.releaseFiles(files);
  }

  async deleteAll(): Promise<void> {
    const durable = this.durable();
    const files = await durable.attachmentsInUse(null);
    await durable.deleteAll();
    this.emit(null);
    await this.releaseFiles(files);
  }

  /**
   * Files uploaded but never sent (CONTRACT section 12: uploaded first, then referenced): those
   * uploaded before `time` that no stored or temporary message uses are removed. Returns their ids.
   */
  async removeUnsentFiles(time: number): Promise<string[]> {
    const old = (await this.deps.attachments?.uploadedBefore?.(time).catch(() => [])) ?? [];
    return this.releaseFiles(old);
  }

  /**
   * Deletes the files that no stored or temporary message uses any more. When history can't be
   * asked (damaged, closed), files are kept: a file a message still needs is never lost.
   */
  private async releaseFiles(candidates: readonly string[]): Promise<string[]> {
    const remover = this.deps.attachments;
    if (!remover || candidates.length === 0) return [];
    try {
      const used = new Set(await this.deps.temporary.attachmentsInUse(candidates));
      if (this.deps.store.status().available) {
        for (const id of await this.deps.store.attachmentsInUse(candidates)) used.add(id);
      } else if (this.historyEnabled()) {
        return [];
      }
      const unused = candidates.filter((id) => !used.has(id));
      await remover.remove(unused);
      return unused;
    } catch {
      // A file left behind costs disk space only; the deletion the user asked for has happened.
      return [];
    }
  }

  async search(query: string, limit = 20): Promise<SearchResult[]> {
    return this.durable().search(query, limit);
  }

  /** Stored conversations with an answer streaming now (the sidebar's spinner); none without history. */
  async streaming(): Promise<string[]> {
    return this.status().available ? this.deps.store.streamingConversations() : [];
  }

  /** Adds what an export file holds that history lacks (CONTRACT section 10). */
  async import(file: AsyncIterable<Uint8Array>): Promise<ImportResult> {
    const result = await this.durable().importFile(file);
    if (result.imported > 0) this.emit(null);
    return result;
  }

  /** One conversation for export: every message of its tree (parents first) and its current branch. */
  async exportConversation(id: string): Promise<ExportedConversation & { branch: Message[] }> {
    const { conversation, messages: branch } = await this.get(id);
    const { store } = await this.find(id);
    return { conversation, messages: await this.allMessages(store, id), branch };
  }

  /** All stored conversations, one at a time (newest first), each with every message of its tree. */
  async *exportAll(): AsyncGenerator<ExportedConversation> {
    const store = this.durable();
    let cursor: string | null = null;
    do {
      const page: ConversationPage = await store.list({ limit: 100, cursor });
      for (const conversation of page.items) {
        yield { conversation, messages: await this.allMessages(store, conversation.id) };
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  private async allMessages(store: ConversationStore, id: string): Promise<StoredMessage[]> {
    const nodes = await store.tree(id);
    return store.messages(
      id,
      nodes.map((node) => node.id),
    );
  }

  /** Checks a send against the stored tree and builds what the chat engine sends; writes nothing. */
  async planTurn(input: unknown): Promise<TurnPlan> {
    const parsed = turnTargetSchema.safeParse(input);
    if (!parsed.success) throw invalidInput('send', parsed.error);
    const target = parsed.data;
    if (target.conversationId === 'new') {
      const conversation = this.draft({ temporary: target.temporary === true });
      if (!conversation.temporary) this.durable();
      const prompt = target.prompt ?? '';
      return {
        conversation,
        isNew: true,
        parentId: null,
        prompt,
        messages: branchAsChat([], prompt, target.attachmentIds),
      };
    }
    const { store, context } = await this.findForTurn(target.conversationId);
    const { conversation, currentBranch } = context;
    const tree = new ConversationTree(context.nodes);
    const { parentId, prompt } = placeTurn(conversation, tree, target);
    const path = tree.pathTo(parentId);
    // Most sends go on from the current branch (or a message on it), which came with the conversation.
    const onCurrent =
      path.length <= currentBranch.length && path.every((id, index) => currentBranch[index]?.id === id);
    const branch = onCurrent
      ? currentBranch.slice(0, path.length)
      : await store.messages(conversation.id, path);
    return {
      conversation,
      isNew: false,
      parentId,
      prompt,
      messages: branchAsChat(branch, prompt, target.attachmentIds),
    };
  }

  /**
   * Writes the user message and a `streaming` answer (one transaction, before the provider is asked)
   * and returns the writer of that answer. Throws `CONVERSATION_BUSY` while another answer streams.
   */
  async beginTurn(
    plan: TurnPlan,
    chat: { providerId: string; modelId: string },
    hooks: TurnHooks,
  ): Promise<StoredTurn> {
    const now = this.stamp();
    const base = { conversationId: plan.conversation.id, createdAt: now, updatedAt: now };
    const message = (
      fields: Partial<NewMessage> & Pick<NewMessage, 'id' | 'role' | 'parentId'>,
    ): NewMessage => newMessage({ ...base, ...fields });
    const user =
      plan.prompt === null
        ? null
        : message({
            id: this.newId(),
            role: 'user',
            parentId: plan.parentId,
            content: plan.prompt,
            attachments: plan.attachments ?? [],
          });
    const answer = message({
      id: this.newId(),
      role: 'assistant',
      parentId: user?.id ?? plan.parentId,
      status: 'streaming',
      ...chat,
    });
    const store = this.storeFor(plan.conversation);
    const title = plan.prompt === null ? null : firstLineTitle(plan.prompt);
    await store.addTurn({
      conversationId: plan.conversation.id,
      ...(plan.isNew ? { create: { ...plan.conversation, ...chat } } : {}),
      messages: user ? [user, answer] : [answer],
      currentLeafId: answer.id,
      ...(title ? { title } : {}),
      ...chat,
      updatedAt: now,
    });
    this.emit(plan.conversation.id);
    return new StoredTurn({
      store,
      conversationId: plan.conversation.id,
      userMessageId: user?.id ?? null,
      assistantMessageId: answer.id,
      prompt: plan.prompt,
      firstLineTitle: plan.conversation.title === null ? title : null,
      timers: this.timers,
      onError: hooks.onError,
      onWritten: (id) => this.emit(id),
    });
  }

  /**
   * A title written by the title model: only while the conversation still has the first-line title
   * it replaces (a title the user set meanwhile stays). Its place in the list does not move.
   */
  async applyAutoTitle(id: string, firstLine: string, title: string): Promise<boolean> {
    const { conversation, store } = await this.find(id);
    if (conversation.title !== firstLine) return false;
    const updated = await store.update(id, { title, updatedAt: conversation.updatedAt });
    if (!updated) return false;
    this.emit(id);
    return true;
  }

  /** Changes of this process and, every second, of others (CONTRACT: seen within 2 s). */
  onChange(listener: (change: ConversationChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  startNewHistory(): Promise<HistoryStatus> {
    return this.deps.store.startNewHistory();
  }

  private emit(conversationId: string | null): void {
    for (const listener of this.listeners) listener({ conversationId });
  }

  private historyEnabled(): boolean {
    return this.deps.historyEnabled?.() ?? true;
  }

  /** The durable store, or HISTORY_UNAVAILABLE saying why it can't be used. */
  private durable(): ConversationStore {
    const status = this.status();
    if (!status.available) throw historyUnavailable(status);
    return this.deps.store;
  }

  private storeFor(conversation: Conversation): ConversationStore {
    return conversation.temporary ? this.deps.temporary : this.durable();
  }

  private async find(id: string): Promise<{ conversation: Conversation; store: ConversationStore }> {
    const { found, store } = await this.readEither(id, (from) => from.get(id));
    return { conversation: found, store };
  }

  /** `find` for a send: the conversation with its tree and current branch, in one read of its store. */
  private async findForTurn(id: string): Promise<{ context: TurnContext; store: ConversationStore }> {
    const { found, store } = await this.readEither(id, (from) => from.turnContext(id));
    return { context: found, store };
  }

  /** One read of a conversation, from the temporary store if it is there, else from history. */
  private async readEither<T>(
    id: string,
    read: (store: ConversationStore) => Promise<T | null | undefined>,
  ): Promise<{ found: T; store: ConversationStore }> {
    const parsed = idSchema.safeParse(id);
    if (!parsed.success) throw invalidInput('conversation id', parsed.error);
    const temporary = await read(this.deps.temporary);
    if (temporary) return { found: temporary, store: this.deps.temporary };
    const found = await read(this.durable());
    if (!found) throw conversationNotFound(id);
    return { found, store: this.deps.store };
  }

  private draft(fields: {
    title?: string;
    providerId?: string | null;
    modelId?: string | null;
    systemPrompt?: string | null;
    think?: Think | null;
    temporary: boolean;
  }): Conversation {
    const now = this.stamp();
    return newConversation({
      id: this.newId(),
      title: fields.title ?? null,
      createdAt: now,
      updatedAt: now,
      // With history off, every conversation is temporary (CONTRACT section 10).
      temporary: fields.temporary || !this.historyEnabled(),
      providerId: fields.providerId ?? null,
      modelId: fields.modelId ?? null,
      systemPrompt: fields.systemPrompt ?? null,
      think: fields.think ?? null,
    });
  }

  private stamp(): string {
    return new Date(this.timers.now()).toISOString();
  }
}

/** The ids of the files these messages carry. */
const filesOf = (messages: readonly StoredMessage[]): string[] => [
  ...new Set(messages.flatMap((message) => attachmentsOf(message.attachments).map((file) => file.id))),
];

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}
