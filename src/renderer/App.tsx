import { Box, Group, Stack } from '@mantine/core';
import { useDisclosure, useHotkeys, useLocalStorage } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { AppHeader } from './components/AppHeader';
import { Composer } from './components/Composer';
import { ConfigErrorBanner } from './components/ConfigErrorBanner';
import { ConversationView } from './components/ConversationView';
import { PromptEditor } from './components/PromptEditor';
import { ProviderProblem } from './components/ProviderProblem';
import { useConfigChanges } from './components/use-config-changes';
import { useNewChat } from './components/use-new-chat';
import { useSelection } from './components/use-selection';
import { Sidebar } from './history/Sidebar';
import { preloadMarkdownWhenIdle } from './markdown/Markdown';
import { transport } from './transport/client';
import { useTRPC } from './transport/trpc';

// Neither is needed for the first paint: loaded when first opened.
const SettingsDialog = lazy(() => import('./settings/SettingsDialog'));
const LogDrawer = lazy(() => import('./logs/LogDrawer'));
// Menu actions, updates, the HTTP API's state: IPC-only procedures, so the web UI never loads this.
const DesktopOnly = lazy(() => import('./desktop/DesktopOnly'));

/** The window: header, banners, the conversation, the composer; Logs and Settings on demand. */
export function App() {
  const trpc = useTRPC();
  const selection = useSelection();
  const { configError, configPath } = useConfigChanges();
  const health = useQuery(trpc.health.queryOptions());
  const config = useQuery(trpc.config.get.queryOptions());
  const [promptOpen, prompt] = useDisclosure(false);
  const [logsOpen, logs] = useDisclosure(false);
  const [settingsOpen, settings] = useDisclosure(false);
  const [logsUsed, setLogsUsed] = useDisclosure(false);
  const [settingsUsed, setSettingsUsed] = useDisclosure(false);
  const newChat = useNewChat();
  const [sidebarOpen, setSidebarOpen] = useLocalStorage({
    key: 'lightchat.sidebar',
    defaultValue: true,
    getInitialValueInEffect: false,
  });
  const search = useRef<HTMLInputElement>(null);
  // Everywhere, the message box included (Mantine skips inputs unless told otherwise).
  useHotkeys(
    [
      ['mod+B', () => setSidebarOpen((open) => !open)],
      [
        'mod+K',
        () => {
          setSidebarOpen(true);
          requestAnimationFrame(() => search.current?.focus());
        },
      ],
    ],
    [],
  );

  useEffect(preloadMarkdownWhenIdle, []);

  const openSettings = () => {
    setSettingsUsed.open();
    settings.open();
  };

  const providerPrompt =
    config.data?.providers.find((provider) => provider.id === selection.providerId)?.systemPrompt ?? null;

  return (
    <Group gap={0} h="100dvh" wrap="nowrap" align="stretch">
      {sidebarOpen && <Sidebar onNewChat={newChat.request} searchRef={search} />}
      <Stack gap={0} h="100dvh" style={{ flex: 1, minWidth: 0 }}>
        <AppHeader
          sidebarOpen={sidebarOpen}
          onToggleSidebar={() => setSidebarOpen((open) => !open)}
          selection={selection}
          demo={health.data?.demo === true || selection.provider?.demo === true}
          promptOpen={promptOpen}
          onTogglePrompt={prompt.toggle}
          onNewChat={newChat.request}
          onOpenLogs={() => {
            setLogsUsed.open();
            logs.open();
          }}
          onOpenSettings={openSettings}
        />
        {transport === 'ipc' && (
          <Suspense fallback={null}>
            <DesktopOnly
              onNewChat={newChat.request}
              onOpenSettings={openSettings}
              settingsRevision={config.data?.revision}
            />
          </Suspense>
        )}
        {configError && <ConfigErrorBanner error={configError} path={configPath} />}
        <PromptEditor open={promptOpen} providerPrompt={providerPrompt} />
        <Box px="md" pt={selection.models.isError || selection.models.data?.length === 0 ? 'sm' : 0}>
          <Box maw={860} mx="auto">
            <ProviderProblem provider={selection.provider} models={selection.models} />
          </Box>
        </Box>
        <ConversationView />
        <Composer />
        {newChat.confirmation}
        <Suspense fallback={null}>
          {logsUsed && <LogDrawer opened={logsOpen} onClose={logs.close} />}
          {settingsUsed && (
            <SettingsDialog
              opened={settingsOpen}
              onClose={settings.close}
              configError={configError}
              configPath={configPath}
            />
          )}
        </Suspense>
      </Stack>
    </Group>
  );
}
