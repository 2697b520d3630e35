import './mantine-first-screen.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiTokenGate } from './auth/ApiTokenGate';
import { prefetchConversationPages } from './history/conversation-pages';
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
// The sidebar's list is asked for now, not once its lazily loaded code has arrived and rendered.
prefetchConversationPages(queryClient, trpcClient);

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
);
