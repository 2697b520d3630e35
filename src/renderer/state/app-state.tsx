import { createContext, type ReactNode, useContext } from 'react';
import type { HistoryApi } from '../transport/history-api';
import { type ChatApi, ChatTurns, isStreaming, type RunningChat } from './chat-turns';
import { type Choice, emptyChoice, isChoice } from './choice';
import { type Conversation, emptyConversation, restoredConversation } from './conversation';
import { isConversation } from './conversation-shape';
import { type ModelInUse, thinkSupport, thinkToSend } from './model-in-use';
import {
  type HistoryState,
  isOpenConversation,
  newConversation,
  OPEN_CONVERSATION_KEY,
  type OpenConversation,
} from './open-conversation';
import { persist, restore } from './session-storage';
import { createStore, type Store } from './store';
import { ToolApprovals, type ToolApprovalsApi } from './tool-approvals';
import { ConversationWorkspace } from './workspace';

export interface AppState {
  conversation: Store<Conversation>;
  choice: Store<Choice>;
  turns: ChatTurns;
  /** Which conversation is shown (kept across reloads). */
  open: Store<OpenConversation>;
  history: Store<HistoryState>;
  /** The model the next message goes to, with what its provider says of it (null: not known yet). */
  modelInUse: Store<ModelInUse | null>;
  /** Stored conversations; absent without a history API (chats then store nothing). */
  workspace: ConversationWorkspace | null;
  /** Tool calls waiting for the user, in any window (none are known without an approvals API). */
  approvals: ToolApprovals;
  /** Stops saving (tests). */
  dispose(): void;
}

const CONVERSATION_KEY = 'lightchat.conversation';
const CHOICE_KEY = 'lightchat.choice';
const RUNNING_KEY = 'lightchat.running';

const isRunningChat = (value: unknown): value is RunningChat =>
  typeof value === 'object' &&
  value !== null &&
  ['chatId', 'conversationId', 'answerId'].every(
    (key) => typeof (value as Record<string, unknown>)[key] === 'string',
  );

/**
 * The window's state: the conversation shown, which one it is and the choice, all kept in session
 * storage across reloads (the stored conversation is then read again from the server).
 */
export function createAppState(options: {
  api: ChatApi;
  history?: HistoryApi;
  approvals?: ToolApprovalsApi;
  storage?: Storage;
}): AppState {
  const storage = options.storage ?? window.sessionStorage;
  const saved = restore(storage, CONVERSATION_KEY, isConversation);
  const conversation = createStore(saved ? restoredConversation(saved) : emptyConversation);
  const choice = createStore<Choice>({ ...emptyChoice, ...restore(storage, CHOICE_KEY, isChoice) });
  const modelInUse = createStore<ModelInUse | null>(null);
  const open = createStore(restore(storage, OPEN_CONVERSATION_KEY, isOpenConversation) ?? newConversation);
  const history = createStore<HistoryState>(options.history ? 'unknown' : 'unavailable');
  // The stored chat followed when the page was left: a reload follows it again.
  const running = createStore<RunningChat | null>(restore(storage, RUNNING_KEY, isRunningChat) ?? null);
  const historyApi = options.history;
  const workspace = historyApi
    ? new ConversationWorkspace({
        api: historyApi,
        conversation,
        choice,
        open,
        history,
        running,
        turns: () => turns,
      })
    : null;
  let storedChatsRefused = false;
  const turns = new ChatTurns({
    store: conversation,
    api: options.api,
    choice: () => {
      const chosen = choice.get();
      return { ...chosen, think: thinkToSend(chosen.think, thinkSupport(modelInUse.get())) };
    },
    place: () => {
      if (storedChatsRefused) return null;
      const shown = open.get();
      if (shown.temporary) return { conversationId: shown.id, temporary: true };
      // Without history, a chat sends its history and the window keeps it (session storage).
      if (history.get() === 'unavailable') return null;
      return { conversationId: shown.id, temporary: false };
    },
    onStored: (conversationId) => workspace?.stored(conversationId),
    onStoredTurnEnd: () => void workspace?.refresh(),
    onRunning: (chat) => running.set(chat),
    onStoredChatsRefused: () => {
      storedChatsRefused = true;
    },
  });
  const stops = [
    persist({ store: conversation, storage, key: CONVERSATION_KEY, holdWhile: isStreaming }),
    persist({ store: choice, storage, key: CHOICE_KEY, delayMs: 100 }),
    persist({ store: open, storage, key: OPEN_CONVERSATION_KEY, delayMs: 0 }),
    persist({ store: running, storage, key: RUNNING_KEY, delayMs: 0 }),
  ];
  workspace?.start();
  const approvals = new ToolApprovals(options.approvals);
  approvals.start();
  return {
    conversation,
    choice,
    turns,
    open,
    history,
    modelInUse,
    workspace,
    approvals,
    dispose: () => {
      turns.stop();
      workspace?.dispose();
      approvals.dispose();
      for (const stop of stops) stop();
    },
  };
}

const AppStateContext = createContext<AppState | null>(null);

export function AppStateProvider({ state, children }: { state: AppState; children: ReactNode }) {
  return <AppStateContext.Provider value={state}>{children}</AppStateContext.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (state === null) throw new Error('useAppState needs an <AppStateProvider>');
  return state;
}
