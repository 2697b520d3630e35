import { ActionIcon, Menu } from '@mantine/core';

export interface HeaderAction {
  label: string;
  onClick: () => void;
}

/** The header's actions folded into one menu when the window is too narrow to show them as buttons. */
export default function HeaderMenu({ actions }: { actions: HeaderAction[] }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon size="lg" variant="default" aria-label="More actions" title="More actions">
          <span aria-hidden>⋯</span>
        </ActionIcon>
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
