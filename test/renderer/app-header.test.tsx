import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppHeader } from '../../src/renderer/components/AppHeader';
import type { useSelection } from '../../src/renderer/components/use-selection';

// The selects read the app's state; this test is about the header's actions.
vi.mock('../../src/renderer/components/ProviderSelect', () => ({ ProviderSelect: () => null }));
vi.mock('../../src/renderer/components/ModelSelect', () => ({ ModelSelect: () => null }));

const selection = {
  providers: { data: [], isPending: false },
  provider: undefined,
  models: { data: undefined, isPending: false, isError: false },
  modelId: undefined,
} as unknown as ReturnType<typeof useSelection>;

/** The header laid out `width` px wide (jsdom lays out nothing: every box is measured at that). */
function renderHeader(width: number, onOpenSettings = () => {}) {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, 0, width, 48));
  const noop = () => {};
  return render(
    <MantineProvider>
      <AppHeader
        selection={selection}
        demo={false}
        promptOpen={false}
        onTogglePrompt={noop}
        onNewChat={noop}
        onOpenLogs={noop}
        onOpenSettings={onOpenSettings}
        onOpenModels={noop}
        sidebarOpen={false}
        onToggleSidebar={noop}
      />
    </MantineProvider>,
  );
}

afterEach(() => vi.restoreAllMocks());

describe('the header on a narrow window', () => {
  it('is folded from its first paint: no action button to click before the menu shows', () => {
    renderHeader(360);
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull();
    expect(screen.getByRole('button', { name: 'More actions' })).toBeTruthy();
  });

  it('opens the menu clicked while its chunk still loaded', async () => {
    const openSettings = vi.fn();
    renderHeader(360, openSettings);
    fireEvent.click(screen.getByRole('button', { name: 'More actions' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Settings' }));
    expect(openSettings).toHaveBeenCalledOnce();
  });

  it('shows the actions as buttons on a wide window', () => {
    renderHeader(1280);
    expect(screen.getByRole('button', { name: 'Settings' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'More actions' })).toBeNull();
  });
});
