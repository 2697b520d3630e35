import { toUiError } from '../errors/error-message';
import type { HistoryApi, StoredConversation } from '../transport/history-api';
import type { ChatTurns, RunningChat } from './chat-turns';
import { type Choice, emptyChoice } from './choice';
import type { Conversation } from './conversation';
import { type HistoryState, newConversation, type OpenConversation } from './open-conversation';
import { createStore, type Store } from './store';
import { fromStored, mergeLatest, prependStored } from './stored-conversation';

/** The conversation fields a window's choice is saved to. */
type SavedChoice = Pick<StoredConversation, 'providerId' | 'modelId' | 'systemPrompt' | 'think'> & {
  tools: 'auto' | 'none';
};

const SAVE_CHOICE_DELAY_MS = 300;
/**
 * Messages read when a conversation opens, and each time the user scrolls above them: a
 * 2,000-message conversation opens as fast as a 40-message one (the transcript renders as many).
 */
export const MESSAGES_PER_READ = 40;

const asSaved = (choice: Choice): SavedChoice => ({
  providerId: choice.providerId,
  modelId: choice.modelId,
  systemPrompt: choice.systemPrompt.trim() === '' ? null : choice.systemPrompt,
  think: choice.think,
  tools: choice.tools === false ? 'none' : 'auto',
});

/**
 * The window's stored conversations: opening one (its current branch, or the branch through a
 * message), a new chat, versions, deleting messages, and keeping the shown one current when it
 * changes elsewhere. A changed provider, model, system prompt or Tools switch is saved to the open
 * conversation.
 */
export class ConversationWorkspace {
  /** A message to show highlighted (a search result just opened). */
  readonly highlight: Store<string | null> = createStore<string | null>(null);
  /** Messages of the shown branch before the first one loaded (read as the user scrolls up). */
  readonly earlier: Store<number> = createStore(0);
  private readingEarlier: Promise<void> | null = null;
  private loads = 0;
  private refreshes = 0;
  /** The last copy of the server's this workspace showed: not a change made in the window. */
  private applied: Conversation | null = null;
  private saved: SavedChoice | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changeListeners = new Set<(conversationId: string | null) => void>();
  private readonly openingListeners = new Set<() => void>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly deps: {
      api: HistoryApi;
      conversation: Store<Conversation>;
      choice: Store<Choice>;
      open: Store<OpenConversation>;
      history: Store<HistoryState>;
      /** The stored chat the window followed before a reload. */
      running?: Store<RunningChat | null>;
      turns: () => ChatTurns;
    },
  ) {}

  /** Learns whether history is available, reopens the conversation of the last visit, follows changes. */
  start(): void {
    const { api, history, open, choice } = this.deps;
    api.status().then(
      (status) => history.set(status.available ? 'available' : 'unavailable'),
      () => history.set('unavailable'),
    );
    const id = open.get().id;
    if (id !== null) void this.load(id, { keepShownUntilLoaded: true });
    this.stops.push(
      api.onChange((conversationId) => {
        for (const listener of this.changeListeners) listener(conversationId);
        const shown = open.get().id;
        if (shown !== null && (conversationId === null || conversationId === shown)) void this.refresh();
      }),
      choice.subscribe(() => this.scheduleSave()),
    );
  }

  /** History changed (the sidebar's list follows). */
  onChange(listener: (conversationId: string | null) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Another conversation is being opened (its messages were just asked for): what showing them needs
   * can load meanwhile.
   */
  onOpening(listener: () => void): () => void {
    this.openingListeners.add(listener);
    return () => this.openingListeners.delete(listener);
  }

  /** Shows a stored conversation: its current branch, or the branch through `through` (highlighted). */
  async open(id: string, options: { through?: string } = {}): Promise<void> {
    const loading = this.load(id, options);
    for (const listener of this.openingListeners) listener();
    await loading;
    const through = options.through;
    if (through === undefined || this.deps.open.get().id !== id) return;
    this.highlight.set(through);
    // The branch shown becomes the current one, so a reload shows it again.
    this.deps.api.update(id, { currentLeafId: through }).catch(() => {});
  }

  /** An empty chat with the default provider, model and no system prompt. */
  newChat(options: { temporary?: boolean } = {}): void {
    const { conversation, choice, open } = this.deps;
    this.loads += 1;
    this.deps.turns().detach();
    this.saved = null;
    clearTimeout(this.saveTimer);
    conversation.set({ order: [], byId: {} });
    this.earlier.set(0);
    open.set({ ...newConversation, temporary: options.temporary === true });
    choice.set(emptyChoice);
    this.highlight.set(null);
  }

  /** The first send stored a new conversation: from now on the window shows that one. */
  stored(conversationId: string): void {
    const { open, choice } = this.deps;
    if (open.get().id !== null) return;
    open.set({ ...open.get(), id: conversationId });
    // The server kept the chat's provider, model and Think switch; the system prompt and the Tools
    // switch (when off: on is what a conversation starts with) are saved from here.
    this.saved = { ...asSaved(choice.get()), systemPrompt: null, tools: 'auto' };
    this.scheduleSave();
  }

  /** Shows another version of a message (and what follows it on that version's branch). */
  async showVersion(messageId: string): Promise<void> {
    const id = this.deps.open.get().id;
    if (id === null || this.deps.turns().busy) return;
    await this.deps.api.update(id, { currentLeafId: messageId });
    await this.load(id, { keepLoaded: true });
  }

  /** Deletes a message and everything after it on its branch. */
  async deleteMessage(messageId: string): Promise<void> {
    const id = this.deps.open.get().id;
    if (id === null) return;
    await this.deps.api.deleteMessage(id, messageId);
    await this.load(id, { keepLoaded: true });
  }

  /**
   * Shows the server's copy of the open conversation, unless the window changed it meanwhile (a send)
   * or a later refresh was asked for (its answer is the newer one).
   */
  async refresh(): Promise<void> {
    const { open, conversation } = this.deps;
    const id = open.get().id;
    if (id === null || this.deps.turns().busy) return;
    const before = conversation.get();
    const loads = this.loads;
    this.refreshes += 1;
    const refresh = this.refreshes;
    const unchanged = () => {
      const now = conversation.get();
      return now === before || now === this.applied;
    };
    try {
      const loaded = await this.deps.api.get(id, { last: MESSAGES_PER_READ });
      if (this.loads !== loads || this.refreshes !== refresh || open.get().id !== id) return;
      if (!unchanged() || this.deps.turns().busy) return;
      const merged = mergeLatest(conversation.get(), loaded);
      this.applied = merged.conversation;
      conversation.set(this.applied);
      this.earlier.set(merged.earlier);
    } catch (error) {
      if (this.loads === loads && open.get().id === id && isGone(error)) this.newChat();
    }
  }

  /** Reads the messages before the first one loaded (the user scrolled to the top of what is shown). */
  loadEarlier(): Promise<void> {
    this.readingEarlier ??= this.readEarlier().finally(() => {
      this.readingEarlier = null;
    });
    return this.readingEarlier;
  }

  private async readEarlier(): Promise<void> {
    const { api, open, conversation } = this.deps;
    const id = open.get().id;
    const first = conversation.get().order[0];
    if (id === null || first === undefined || this.earlier.get() === 0) return;
    const loads = this.loads;
    const loaded = await api.get(id, { before: first, last: MESSAGES_PER_READ });
    const now = conversation.get();
    // Another conversation (or branch) opened meanwhile, or the first message went: this is stale.
    if (this.loads !== loads || open.get().id !== id || now.order[0] !== first) return;
    const wasApplied = now === this.applied;
    const next = prependStored(now, loaded.messages);
    if (wasApplied) this.applied = next;
    conversation.set(next);
    this.earlier.set(loaded.earlier ?? 0);
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    for (const stop of this.stops.splice(0)) stop();
  }

  private async load(
    id: string,
    options: {
      through?: string;
      keepShownUntilLoaded?: boolean;
      /** The same conversation again (another version, a deletion): as many messages as are loaded. */
      keepLoaded?: boolean;
    } = {},
  ): Promise<void> {
    const { api, conversation, choice, open } = this.deps;
    this.loads += 1;
    const loads = this.loads;
    let loaded: Awaited<ReturnType<HistoryApi['get']>>;
    try {
      // A search result's branch is read whole (the transcript renders the part around it); any
      // other opens on its latest messages.
      const last = options.keepLoaded
        ? Math.max(MESSAGES_PER_READ, conversation.get().order.length)
        : MESSAGES_PER_READ;
      loaded = await api.get(id, options.through === undefined ? { last } : { through: options.through });
    } catch (error) {
      // A conversation deleted meanwhile (or a temporary one the server forgot): start afresh.
      if (this.loads === loads && isGone(error)) this.newChat();
      if (!isGone(error) && !options.keepShownUntilLoaded) throw error;
      return;
    }
    if (this.loads !== loads) return;
    // The answer in flight goes on on the server; the loaded copy shows it (and follows its changes).
    this.deps.turns().detach();
    this.highlight.set(null);
    const stored = loaded.conversation;
    open.set({
      id,
      temporary: stored.temporary,
      ...(stored.numCtx === null ? {} : { numCtx: stored.numCtx }),
    });
    const shown = options.keepLoaded
      ? mergeLatest(conversation.get(), loaded)
      : { conversation: fromStored(loaded.messages), earlier: loaded.earlier ?? 0 };
    this.applied = shown.conversation;
    conversation.set(this.applied);
    this.earlier.set(shown.earlier);
    this.saved = {
      providerId: stored.providerId,
      modelId: stored.modelId,
      systemPrompt: stored.systemPrompt,
      think: stored.think,
      tools: stored.tools ?? 'auto',
    };
    clearTimeout(this.saveTimer);
    this.reattach(id, loaded.messages);
    const current = choice.get();
    choice.set({
      providerId: stored.providerId ?? current.providerId,
      modelId: stored.providerId === null ? current.modelId : stored.modelId,
      systemPrompt: stored.systemPrompt ?? '',
      think: stored.think,
      tools: stored.tools !== 'none',
    });
  }

  /** A reload while an answer streamed: follow it again (the chat goes on on the server for a while). */
  private reattach(id: string, messages: { id: string; status: string }[]): void {
    const running = this.deps.running?.get();
    if (!running || running.conversationId !== id || this.deps.turns().busy) return;
    const answer = messages.find((message) => message.id === running.answerId);
    if (answer?.status === 'streaming') this.deps.turns().reattach(running);
    else this.deps.running?.set(null);
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveChoice(), SAVE_CHOICE_DELAY_MS);
  }

  /** Saves what changed in the choice (the Think switch included) to the open conversation. */
  private saveChoice(): void {
    const id = this.deps.open.get().id;
    const saved = this.saved;
    if (id === null || saved === null) return;
    const next = asSaved(this.deps.choice.get());
    const patch: Partial<SavedChoice> = {};
    // The header picks a provider before its models are known: never save a provider without one.
    if (next.providerId !== null && next.modelId !== null) {
      if (next.providerId !== saved.providerId) patch.providerId = next.providerId;
      if (next.modelId !== saved.modelId) patch.modelId = next.modelId;
    }
    if (next.systemPrompt !== saved.systemPrompt) patch.systemPrompt = next.systemPrompt;
    if (next.think !== saved.think) patch.think = next.think;
    if (next.tools !== saved.tools) patch.tools = next.tools;
    if (Object.keys(patch).length === 0) return;
    this.saved = { ...saved, ...patch };
    this.deps.api.update(id, patch).catch(() => {
      // Not saved (history went away): the next change tries again.
      this.saved = saved;
    });
  }
}

function isGone(error: unknown): boolean {
  const code = toUiError(error).code;
  return code === 'CONVERSATION_NOT_FOUND' || code === 'MESSAGE_NOT_FOUND';
}
