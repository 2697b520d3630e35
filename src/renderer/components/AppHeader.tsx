import { ActionIcon, Badge, Button, Group, Text } from '@mantine/core';
import { useElementSize, useMergedRef } from '@mantine/hooks';
import { lazy, Suspense, useLayoutEffect, useRef, useState } from 'react';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import type { HeaderAction } from './HeaderMenu';
import { ModelSelect } from './ModelSelect';
import { MoreActionsIcon } from './MoreActionsIcon';
import { ProviderSelect } from './ProviderSelect';
import type { useSelection } from './use-selection';

// Only narrow windows need the menu (Mantine's Menu is a few KB): loaded when the header first folds.
const HeaderMenu = lazy(() => import('./HeaderMenu'));

/**
 * Header widths (px) below which the actions fold into the menu, and below which Provider and Model
 * move to a row of their own: what the title, the selects at their narrowest and the buttons need.
 */
const ACTIONS_FIT = 900;
const SELECTS_FIT = 560;
/** What the New chat button and the Demo badge add when they show. */
const NEW_CHAT_WIDTH = 90;
const DEMO_WIDTH = 56;

/** Title, provider and model, and the window's actions; they fold into a menu when they do not fit. */
export function AppHeader({
  selection,
  demo,
  promptOpen,
  onTogglePrompt,
  onNewChat,
  onOpenLogs,
  onOpenSettings,
  onOpenModels,
  sidebarOpen,
  onToggleSidebar,
}: {
  selection: ReturnType<typeof useSelection>;
  demo: boolean;
  promptOpen: boolean;
  onTogglePrompt: () => void;
  onNewChat: () => void;
  onOpenLogs: () => void;
  onOpenSettings: () => void;
  /** The `Models` dialog of the chosen provider. */
  onOpenModels: () => void;
  /** Whether the Conversations sidebar shows (beside the conversation or over it). */
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
}) {
  const { providers, provider, models, modelId } = selection;
  const { ref: observe, width: observed } = useElementSize<HTMLElement>();
  const header = useRef<HTMLElement>(null);
  const ref = useMergedRef(observe, header);
  // The observer reports a frame after the first paint; measured once before it, a narrow window
  // never shows (and a click never hits) buttons that are about to fold into the menu.
  const [firstWidth, setFirstWidth] = useState(0);
  useLayoutEffect(() => setFirstWidth(header.current?.getBoundingClientRect().width ?? 0), []);
  const width = observed || firstWidth;
  // A click on the menu's button while its chunk still loads opens the menu once it has.
  const [menuWanted, setMenuWanted] = useState(false);
  const extra = (sidebarOpen ? 0 : NEW_CHAT_WIDTH) + (demo ? DEMO_WIDTH : 0);
  // Before the first measurement (width 0) everything shows, as on most windows.
  const folded = width > 0 && width < ACTIONS_FIT + extra;
  const stacked = width > 0 && width < SELECTS_FIT + (demo ? DEMO_WIDTH : 0);
  const actions: HeaderAction[] = [
    { label: promptOpen ? 'Hide system prompt' : 'Edit system prompt', onClick: onTogglePrompt },
    { label: 'New chat', onClick: onNewChat },
    { label: 'Models', onClick: onOpenModels },
    { label: 'Logs', onClick: onOpenLogs },
    { label: 'Settings', onClick: onOpenSettings },
  ];
  const selectStyle = { flex: stacked ? '1 1 0' : '0 1 220px', minWidth: 0 };
  return (
    <Group
      component="header"
      ref={ref}
      px="md"
      py="xs"
      gap="sm"
      align="flex-end"
      wrap={stacked ? 'wrap' : 'nowrap'}
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <ActionIcon
        variant="subtle"
        color="gray"
        size="lg"
        mb={2}
        onClick={onToggleSidebar}
        aria-label={sidebarOpen ? 'Hide conversations' : 'Show conversations'}
        aria-expanded={sidebarOpen}
        title={`${sidebarOpen ? 'Hide' : 'Show'} conversations (Ctrl+B)`}
      >
        <span aria-hidden>☰</span>
      </ActionIcon>
      <Group gap={6} align="center" pb={4} wrap="nowrap">
        <Text component="h1" fz="lg" fw={700} m={0}>
          LightChat
        </Text>
        {demo && (
          <Badge color="orange" variant="light" title="Answers come from the built-in demo model, not an LLM">
            Demo
          </Badge>
        )}
      </Group>
      {/* On a narrow header this row goes last and takes the whole width (order + basis). */}
      <Group
        gap="sm"
        wrap="nowrap"
        align="flex-end"
        style={{ flex: stacked ? '1 0 100%' : '1 1 auto', order: stacked ? 1 : 0, minWidth: 0 }}
      >
        <ProviderSelect
          providers={providers.data ?? []}
          provider={provider}
          loading={providers.isPending}
          style={selectStyle}
        />
        <ModelSelect
          models={models.data}
          modelId={modelId}
          loading={provider !== undefined && models.isPending}
          failed={models.isError}
          style={selectStyle}
        />
      </Group>
      <Group gap="xs" wrap="nowrap" ml="auto" mb={2}>
        {folded ? (
          <Suspense fallback={<MoreActionsIcon onClick={() => setMenuWanted(true)} />}>
            <HeaderMenu actions={actions} defaultOpened={menuWanted} />
          </Suspense>
        ) : (
          <>
            <Button
              size="xs"
              variant={promptOpen ? 'light' : 'subtle'}
              onClick={onTogglePrompt}
              aria-expanded={promptOpen}
            >
              Edit system prompt
            </Button>
            {/* The flow (and its confirm) is `useNewChat`, shared with Ctrl+Shift+O and the desktop
                menu; the button is in the sidebar while that shows. */}
            {!sidebarOpen && (
              <Button size="xs" variant="default" onClick={onNewChat}>
                New chat
              </Button>
            )}
            <Button size="xs" variant="default" onClick={onOpenModels}>
              Models
            </Button>
            <Button size="xs" variant="default" onClick={onOpenLogs}>
              Logs
            </Button>
            <Button size="xs" variant="default" onClick={onOpenSettings}>
              Settings
            </Button>
          </>
        )}
        <ColorSchemeToggle />
      </Group>
    </Group>
  );
}
