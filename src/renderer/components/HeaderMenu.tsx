import { Menu } from '@mantine/core';
import { MoreActionsIcon } from './MoreActionsIcon';

export interface HeaderAction {
  label: string;
  onClick: () => void;
}

/** The header's actions folded into one menu when the window is too narrow to show them as buttons. */
export default function HeaderMenu({
  actions,
  defaultOpened = false,
}: {
  actions: HeaderAction[];
  /** Open from the start: its button was clicked while this chunk loaded. */
  defaultOpened?: boolean;
}) {
  return (
    <Menu position="bottom-end" withinPortal defaultOpened={defaultOpened}>
      <Menu.Target>
        <MoreActionsIcon />
      </Menu.Target>
      <Menu.Dropdown>
        {actions.map((action) => (
          <Menu.Item key={action.label} onClick={action.onClick}>
            {action.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
