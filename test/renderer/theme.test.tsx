import { Drawer, MantineProvider, Modal } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { theme } from '../../src/renderer/theme';

describe("the theme's dialogs", () => {
  it('have a title bar that is no <header>: the page keeps one banner landmark', async () => {
    render(
      <MantineProvider theme={theme}>
        <header>LightChat</header>
        <Modal opened onClose={() => {}} title="Settings">
          A form
        </Modal>
        <Drawer opened onClose={() => {}} title="Logs">
          Entries
        </Drawer>
      </MantineProvider>,
    );
    await screen.findByRole('dialog', { name: 'Settings' });
    await screen.findByRole('dialog', { name: 'Logs' });
    expect(document.querySelectorAll('header')).toHaveLength(1);
    // Each still has its title and a named close button.
    expect(screen.getAllByRole('button', { name: 'Close' })).toHaveLength(2);
  });
});
