import { ActionIcon, Menu, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';

/** Light, dark, or follow the system (the default); remembered by Mantine in local storage. */
export function ColorSchemeMenu() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const mark = (value: string) => (colorScheme === value ? ' ✓' : '');
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon aria-label="Color scheme" size="lg" variant="default">
          <span aria-hidden>{computed === 'dark' ? '☾' : '☀'}</span>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => setColorScheme('light')}>Light{mark('light')}</Menu.Item>
        <Menu.Item onClick={() => setColorScheme('dark')}>Dark{mark('dark')}</Menu.Item>
        <Menu.Item onClick={() => setColorScheme('auto')}>Follow system{mark('auto')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
