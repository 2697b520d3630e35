import '../mantine-later.css';
import { Drawer } from '@mantine/core';
import type { ComponentProps } from 'react';
import { SIDEBAR_WIDTH, Sidebar } from './Sidebar';

/** On a narrow window the Conversations sidebar slides over the conversation (loaded when first opened). */
export default function SidebarDrawer({
  opened,
  onClose,
  ...sidebar
}: { opened: boolean; onClose: () => void } & ComponentProps<typeof Sidebar>) {
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      title="Conversations"
      size={SIDEBAR_WIDTH + 32}
      padding={0}
      styles={{
        header: { paddingInline: 'var(--mantine-spacing-sm)' },
        body: { height: 'calc(100% - 60px)', display: 'flex' },
      }}
    >
      <Sidebar {...sidebar} fill />
    </Drawer>
  );
}
