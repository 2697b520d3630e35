import { MantineProvider } from '@mantine/core';
import { createRef } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sidebar } from '../../src/renderer/history/Sidebar';

// React holds back what a Suspense boundary reveals until 300 ms after the last fallback it showed,
// by a timer (setTimeout, taken when react-dom loads: faked before any import). Frames and React's own
// scheduling (setImmediate here) run as usual.
vi.hoisted(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));

// The list below the search box (its code is a chunk of its own): a stand-in that says it is there.
vi.mock('../../src/renderer/history/SidebarBody', async () => {
  const { createElement } = await import('react');
  return { default: () => createElement('p', null, 'The conversations') };
});

const settle = async () => {
  await import('../../src/renderer/history/SidebarBody');
  // A few turns of the event loop: React renders and commits in tasks of its own (no timer).
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
};

let root: Root | undefined;
afterEach(() => {
  root?.unmount();
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

describe('the Conversations sidebar', () => {
  it('shows its list as soon as the list code has arrived, without React holding it back for 300 ms', async () => {
    // As in the browser: React's test mode (act) would reveal everything at once.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
    const container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    root.render(
      <MantineProvider>
        <Sidebar onNewChat={() => {}} searchRef={createRef()} />
      </MantineProvider>,
    );
    await settle();
    expect(container.querySelector('nav[aria-label="Conversations"]')).not.toBeNull();
    // No timer ran: a Suspense reveal would still be waiting for one.
    expect(container.textContent).toContain('The conversations');
  });
});
