import { Loader, Text, TextInput } from '@mantine/core';
import { lazy, memo, Suspense, useState } from 'react';
import { useAppState } from '../state/app-state';
import type { StoredConversation } from '../transport/history-api';
import { ActionsButton } from './ActionsButton';
import { useConversationActions } from './conversation-actions';
import { titleOf } from './conversation-groups';

// Built when asked for (see below), and their code (Mantine's Menu and Modal) loads then.
const ConversationMenu = lazy(() => import('./ConversationMenu'));
const ConfirmDialog = lazy(() =>
  import('./ConfirmDialog').then((module) => ({ default: module.ConfirmDialog })),
);

/**
 * One conversation: its title opens it (a small spinner beside it while its answer streams); its menu
 * has Rename (inline), Pin, Export and Delete. The menu and the Delete question are built only once
 * asked for: the list renders an item for every row it scrolls past. Plain elements with Mantine's look
 * (conversation-item.css), not Mantine components, for the same reason. Memoised: the list renders
 * again on every scroll event, and an item whose conversation did not change has nothing to redo.
 */
export const ConversationItem = memo(function ConversationItem({
  conversation,
  active,
  streaming = false,
}: {
  conversation: StoredConversation;
  active: boolean;
  streaming?: boolean;
}) {
  const { workspace } = useAppState();
  const [renaming, setRenaming] = useState(false);
  const [menuBuilt, setMenuBuilt] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const actions = useConversationActions(conversation, setProblem);
  const title = titleOf(conversation);
  const report = (error: unknown) => setProblem(error instanceof Error ? error.message : String(error));

  const rename = (value: string) => {
    setRenaming(false);
    actions.rename(value);
  };

  return (
    <div className="lc-conversation" data-active={active || undefined}>
      {renaming ? (
        <TextInput
          aria-label="Title"
          size="xs"
          defaultValue={conversation.title ?? ''}
          autoFocus
          style={{ flex: 1 }}
          onBlur={(event) => rename(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') rename(event.currentTarget.value);
            if (event.key === 'Escape') {
              event.stopPropagation();
              setRenaming(false);
            }
          }}
        />
      ) : (
        <button
          type="button"
          className="lc-conversation-open mantine-focus-auto"
          aria-current={active ? 'page' : undefined}
          onClick={() => workspace?.open(conversation.id).catch(report)}
        >
          <span className="lc-conversation-title">
            {conversation.pinned && <span aria-hidden>📌 </span>}
            {title}
          </span>
        </button>
      )}
      {/* Outside the button: the item's name stays its title. */}
      {streaming && !renaming && (
        <Loader size={12} color="gray" role="progressbar" aria-label={`Answer streaming in ${title}`} />
      )}
      {menuBuilt ? (
        <Suspense fallback={<ActionsButton title={title} aria-haspopup="menu" aria-expanded />}>
          <ConversationMenu
            title={title}
            pinned={conversation.pinned}
            actions={actions}
            onRename={() => setRenaming(true)}
            onDelete={() => setDeleting(true)}
          />
        </Suspense>
      ) : (
        // What the menu's target says of itself, so the button reads the same before and after.
        <ActionsButton
          title={title}
          aria-haspopup="menu"
          aria-expanded={false}
          onClick={() => setMenuBuilt(true)}
        />
      )}
      {problem && (
        <Text size="xs" c="red" role="alert" w="100%">
          {problem}
        </Text>
      )}
      {deleting && (
        <Suspense fallback={null}>
          <ConfirmDialog
            opened
            title="Delete this conversation?"
            action="Delete"
            onCancel={() => setDeleting(false)}
            onConfirm={() => {
              setDeleting(false);
              actions.remove();
            }}
          >
            “{title}” and all its messages will be deleted. This cannot be undone.
          </ConfirmDialog>
        </Suspense>
      )}
    </div>
  );
});
