import { Box, Group, Stack } from '@mantine/core';
import { useDisclosure, useHotkeys, useLocalStorage, useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { AnswerAnnouncer } from './components/AnswerAnnouncer';
import { AppHeader } from './components/AppHeader';
import { Composer } from './components/Composer';
import { ConfigErrorBanner } from './components/ConfigErrorBanner';
import { ConversationView } from './components/ConversationView';
import { PendingToolCalls } from './components/PendingToolCalls';
import { PromptEditor } from './components/PromptEditor';
import { ProviderProblem } from './components/ProviderProblem';
import { SkipLink } from './components/SkipLink';
import { toolsOffered } from './components/selection';
import { useConfigChanges } from './components/use-config-changes';
import { useDialog } from './components/use-dialog';
import { useModelInUse } from './components/use-model-in-use';
import { useNewChat } from './components/use-new-chat';
import { useOpenConversationChange } from './components/use-open-change';
import { useSelection } from './components/use-selection';
import { Sidebar } from './history/Sidebar';
import { loadFinishedMarkdown, postponeIdleLoads, preloadMarkdownWhenIdle } from './markdown/Markdown';
import { SIDE_BY_SIDE, SIDEBAR_OPEN_KEY, takeShellIntent } from './shell/early-shell';
import { useAppState } from './state/app-state';
import { transport } from './transport/client';
import { useTRPC } from './transport/trpc';

// Neither is needed for the first paint: loaded when first opened.
// Settings builds zod schemas: zod is told first not to try eval (zod-setup), which a chained import
// guarantees whatever order its modules come in.
const SettingsDialog = lazy(() => import('./zod-setup').then(() => import('./settings/SettingsDialog')));
const LogDrawer = lazy(() => import('./logs/LogDrawer'));
const SidebarDrawer = lazy(() => import('./history/SidebarDrawer'));
const ModelsDialog = lazy(() => import('./models/ModelsDialog'));
// Menu actions, updates, the HTTP API's state: IPC-only procedures, so the web UI never loads this.
const DesktopOnly = lazy(() => import('./desktop/DesktopOnly'));

/**
 * The window: a skip link, the Conversations sidebar (`navigation`), the header (`banner`), then
 * banners, the conversation and the composer (`main`); Logs and Settings on demand.
 */
export function App() {
  const trpc = useTRPC();
  const { open, workspace } = useAppState();
  const selection = useSelection();
  const { configError, configPath } = useConfigChanges();
  const health = useQuery(trpc.health.queryOptions());
  const config = useQuery(trpc.config.get.queryOptions());
  const [promptOpen, prompt] = useDisclosure(false);
  const [logsOpen, logs] = useDialog();
  const [settingsOpen, settings] = useDialog();
  const [drawerOpen, drawer] = useDialog();
  const [logsUsed, setLogsUsed] = useDisclosure(false);
  const [settingsUsed, setSettingsUsed] = useDisclosure(false);
  const [drawerUsed, setDrawerUsed] = useDisclosure(false);
  const [modelsOpen, modelsDialog] = useDialog();
  const [modelsUsed, setModelsUsed] = useDisclosure(false);
  const newChat = useNewChat();
  const sideBySide = useMediaQuery(SIDE_BY_SIDE, true, { getInitialValueInEffect: false });
  const [sidebarOpen, setSidebarOpen] = useLocalStorage({
    key: SIDEBAR_OPEN_KEY,
    defaultValue: true,
    getInitialValueInEffect: false,
  });
  const search = useRef<HTMLInputElement>(null);

  const showSidebar = (show: boolean) => {
    if (sideBySide) setSidebarOpen(show);
    else if (show) {
      setDrawerUsed.open();
      drawer.open();
    } else drawer.close();
  };
  const sidebarShown = sideBySide ? sidebarOpen : drawerOpen;

  // Everywhere, the message box included (Mantine skips inputs unless told otherwise).
  useHotkeys(
    [
      ['mod+B', () => showSidebar(!sidebarShown)],
      [
        'mod+K',
        () => {
          showSidebar(true);
          requestAnimationFrame(() => search.current?.focus());
        },
      ],
    ],
    [],
  );

  // Opening a conversation from the drawer shows it: the drawer gets out of the way.
  useOpenConversationChange(open, drawer.close);

  // Stored answers are drawn by the light renderer (a small chunk) until the full one has loaded,
  // which waits for an idle moment: a conversation opened right after the page loaded (from the
  // shell, before this first commit) needs only the light one.
  useEffect(() => {
    void loadFinishedMarkdown().catch(() => {});
    preloadMarkdownWhenIdle();
  }, []);
  // A conversation being opened: the full renderer's evaluation must not land between its messages'
  // arrival and their paint.
  useEffect(
    () =>
      workspace?.onOpening(() => {
        postponeIdleLoads();
        void loadFinishedMarkdown().catch(() => {});
      }),
    [workspace],
  );

  // A click in the page's shell, before this took its place (shell/early-shell.ts), is done now.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on the first commit
  useEffect(() => {
    const intent = takeShellIntent();
    if (intent?.type === 'open') void workspace?.open(intent.id).catch(() => {});
    else if (intent?.type === 'new-chat') newChat.request();
    else if (intent?.type === 'search') search.current?.focus();
  }, []);

  const openModels = () => {
    setModelsUsed.open();
    modelsDialog.open();
  };

  const openSettings = () => {
    setSettingsUsed.open();
    settings.open();
  };

  const providerPrompt =
    config.data?.providers.find((provider) => provider.id === selection.providerId)?.systemPrompt ?? null;
  useModelInUse(selection, providerPrompt);

  return (
    <>
      <SkipLink />
      <Group gap={0} h="100dvh" wrap="nowrap" align="stretch">
        {sideBySide && sidebarOpen && <Sidebar onNewChat={newChat.request} searchRef={search} />}
        <Stack gap={0} h="100dvh" style={{ flex: 1, minWidth: 0 }}>
          <AppHeader
            sidebarOpen={sidebarShown}
            onToggleSidebar={() => showSidebar(!sidebarShown)}
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
            onOpenModels={openModels}
          />
          <Box component="main" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
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
            <PendingToolCalls />
            <Composer
              toolsOffered={toolsOffered({
                model: selection.models.data?.find((model) => model.id === selection.modelId),
                provider: selection.provider,
                mcpServers: config.data?.mcpServers,
              })}
            />
            <AnswerAnnouncer />
          </Box>
          {newChat.confirmation}
          <Suspense fallback={null}>
            {!sideBySide && drawerUsed && (
              <SidebarDrawer
                opened={drawerOpen}
                onClose={drawer.close}
                onNewChat={() => {
                  drawer.close();
                  newChat.request();
                }}
                searchRef={search}
              />
            )}
            {logsUsed && <LogDrawer opened={logsOpen} onClose={logs.close} />}
            {settingsUsed && (
              <SettingsDialog
                opened={settingsOpen}
                onClose={settings.close}
                configError={configError}
                configPath={configPath}
                onOpenModels={openModels}
              />
            )}
            {modelsUsed && (
              <ModelsDialog opened={modelsOpen} onClose={modelsDialog.close} provider={selection.provider} />
            )}
          </Suspense>
        </Stack>
      </Group>
    </>
  );
}
