import './mantine-first-screen.css';
import './shell/theme-variables.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiTokenGate } from './auth/ApiTokenGate';
import { firstCommitReady, whenStore } from './first-commit';
import { prefetchConversationPages } from './history/conversation-pages';
import { sidebarBodyLoaded } from './history/Sidebar';
import { loadFinishedMarkdown } from './markdown/Markdown';
import { AppStateProvider, createAppState } from './state/app-state';
import { cssVariablesResolver, theme } from './theme';
import { chatApi, toolApprovalsApi } from './transport/chat-api';
import { trpcClient } from './transport/client';
import { historyApi } from './transport/history-api';
import { TRPCProvider } from './transport/trpc';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true } },
});
const appState = createAppState({ api: chatApi, history: historyApi, approvals: toolApprovalsApi });
// The sidebar's list is asked for now, not once its lazily loaded code has arrived and rendered
// (its request left earlier still, with early-requests.ts: this takes its answer).
const firstPage = prefetchConversationPages(queryClient, trpcClient);
// Stored answers' renderer, asked for now: a conversation clicked in the page's shell opens in the
// first commit's effects, and its messages arrive a moment later.
void loadFinishedMarkdown().catch(() => {});
/** What the first screen waits for at most, beyond the bundle itself, when the server is slow. */
const FIRST_COMMIT_LIMIT_MS = 400;

void firstCommitReady(
  [firstPage, sidebarBodyLoaded, whenStore(appState.history, (state) => state !== 'unknown')],
  FIRST_COMMIT_LIMIT_MS,
).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            <AppStateProvider state={appState}>
              <ApiTokenGate>
                <App />
              </ApiTokenGate>
            </AppStateProvider>
          </TRPCProvider>
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  ),
);
