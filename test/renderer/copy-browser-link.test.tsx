import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CopyBrowserLink } from '../../src/renderer/desktop/CopyBrowserLink';

const LINK = 'http://127.0.0.1:8000/#token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

function renderButton(link: string | null) {
  const copied: string[] = [];
  render(
    <MantineProvider>
      <CopyBrowserLink
        api={{ browserLink: async () => link }}
        writeText={async (text) => {
          copied.push(text);
        }}
      />
    </MantineProvider>,
  );
  return copied;
}

describe('Settings → Copy link (desktop)', () => {
  it('copies the link with the token to the clipboard, and shows it nowhere', async () => {
    const copied = renderButton(LINK);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await screen.findByText(/^Copied\./);
    expect(copied).toEqual([LINK]);
    expect(document.body.textContent).not.toContain('abcdefghijklmnop');
  });

  it('says why there is nothing to copy while the HTTP API is not running', async () => {
    const copied = renderButton(null);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await screen.findByText(/The local HTTP API is not running/);
    expect(copied).toEqual([]);
  });
});
