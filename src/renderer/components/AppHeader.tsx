import { ActionIcon, Badge, Button, Group, Text } from '@mantine/core';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import { ModelSelect } from './ModelSelect';
import { ProviderSelect } from './ProviderSelect';
import type { useSelection } from './use-selection';

/** Title, provider and model, and the window's actions. */
export function AppHeader({
  selection,
  demo,
  promptOpen,
  onTogglePrompt,
  onNewChat,
  onOpenLogs,
  onOpenSettings,
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
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
}) {
  const { providers, provider, models, modelId } = selection;
  return (
    <Group
      component="header"
      px="md"
      py="xs"
      justify="space-between"
      wrap="nowrap"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Group gap="sm" align="flex-end" wrap="nowrap">
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
        <Group gap={6} align="center" pb={4}>
          <Text component="h1" fz="lg" fw={700} m={0}>
            LightChat
          </Text>
          {demo && (
            <Badge
              color="orange"
              variant="light"
              title="Answers come from the built-in demo model, not an LLM"
            >
              Demo
            </Badge>
          )}
        </Group>
        <ProviderSelect providers={providers.data ?? []} provider={provider} loading={providers.isPending} />
        <ModelSelect
          models={models.data}
          modelId={modelId}
          loading={provider !== undefined && models.isPending}
          failed={models.isError}
        />
      </Group>
      <Group gap="xs" wrap="nowrap">
        <Button
          size="xs"
          variant={promptOpen ? 'light' : 'subtle'}
          onClick={onTogglePrompt}
          aria-expanded={promptOpen}
        >
          Edit system prompt
        </Button>
        {/* The flow (and its confirm) is `useNewChat`, shared with Ctrl+Shift+O and the desktop menu;
            the button is in the sidebar while that is open. */}
        {!sidebarOpen && (
          <Button size="xs" variant="default" onClick={onNewChat}>
            New chat
          </Button>
        )}
        <Button size="xs" variant="default" onClick={onOpenLogs}>
          Logs
        </Button>
        <Button size="xs" variant="default" onClick={onOpenSettings}>
          Settings
        </Button>
        <ColorSchemeToggle />
      </Group>
    </Group>
  );
}
