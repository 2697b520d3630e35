import { createContext, type ReactNode, useContext } from 'react';
import { type ChatApi, ChatTurns, isStreaming } from './chat-turns';
import { type Choice, emptyChoice, isChoice } from './choice';
import { type Conversation, emptyConversation, restoredConversation } from './conversation';
import { isConversation } from './conversation-shape';
import { persist, restore } from './session-storage';
import { createStore, type Store } from './store';

export interface AppState {
  conversation: Store<Conversation>;
  choice: Store<Choice>;
  turns: ChatTurns;
  /** Stops saving (tests). */
  dispose(): void;
}

const CONVERSATION_KEY = 'lightchat.conversation';
const CHOICE_KEY = 'lightchat.choice';

/** The window's state: the conversation and the choice, both kept in session storage across reloads. */
export function createAppState(options: { api: ChatApi; storage?: Storage }): AppState {
  const storage = options.storage ?? window.sessionStorage;
  const saved = restore(storage, CONVERSATION_KEY, isConversation);
  const conversation = createStore(saved ? restoredConversation(saved) : emptyConversation);
  const choice = createStore(restore(storage, CHOICE_KEY, isChoice) ?? emptyChoice);
  const turns = new ChatTurns({ store: conversation, api: options.api, choice: () => choice.get() });
  const stops = [
    persist({ store: conversation, storage, key: CONVERSATION_KEY, holdWhile: isStreaming }),
    persist({ store: choice, storage, key: CHOICE_KEY, delayMs: 100 }),
  ];
  return {
    conversation,
    choice,
    turns,
    dispose: () => {
      turns.stop();
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
