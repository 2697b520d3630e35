import { Menu } from '@mantine/core';
import { filesAvailable } from '../transport/files';
import { ActionsButton } from './ActionsButton';
import type { ConversationActions } from './conversation-actions';

/**
 * An item's menu: Rename, Pin/Unpin, Export, Delete. Built when its button is first pressed (it opens
 * at once), not for every row the list renders: a Mantine Menu is a popover, a focus trap and a dozen
 * hooks that a scrolling list would build and drop for nothing. Its code loads then too.
 */
export default function ConversationMenu({
  title,
  pinned,
  actions,
  onRename,
  onDelete,
}: {
  title: string;
  pinned: boolean;
  actions: ConversationActions;
  onRename: () => void;
  onDelete: () => void;
}) {
  return (
    // Focus stays where an action puts it (the Title box of Rename), not back on the ⋯ button.
    <Menu position="bottom-end" withinPortal returnFocus={false} defaultOpened>
      <Menu.Target>
        <ActionsButton title={title} />
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={onRename}>Rename</Menu.Item>
        <Menu.Item onClick={actions.togglePin}>{pinned ? 'Unpin' : 'Pin'}</Menu.Item>
        {filesAvailable && (
          <>
            <Menu.Item onClick={() => actions.exportAs('md')}>Export as Markdown</Menu.Item>
            <Menu.Item onClick={() => actions.exportAs('json')}>Export as JSON</Menu.Item>
          </>
        )}
        <Menu.Divider />
        <Menu.Item color="red" onClick={onDelete}>
          Delete
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
