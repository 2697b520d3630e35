import { act, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useOpenConversationChange } from '../../src/renderer/components/use-open-change';
import { newConversation, type OpenConversation } from '../../src/renderer/state/open-conversation';
import { createStore, type Store } from '../../src/renderer/state/store';

let renders = 0;

/** A window that closes something when another conversation is shown, counting its renders. */
function Window({ open, onChange }: { open: Store<OpenConversation>; onChange: () => void }) {
  renders++;
  useOpenConversationChange(open, onChange);
  return null;
}

describe('another conversation shown', () => {
  it('calls back without rendering the window again (it re-rendered the header, selects and composer in the paint of an opened conversation)', () => {
    const open = createStore<OpenConversation>(newConversation);
    const onChange = vi.fn();
    renders = 0;
    render(<Window open={open} onChange={onChange} />);
    expect(renders).toBe(1);
    act(() => open.set({ id: 'c1', temporary: false }));
    expect(onChange).toHaveBeenCalledTimes(1);
    // The same conversation (its context window read, say): nothing to do.
    act(() => open.set({ id: 'c1', temporary: false, numCtx: 8192 }));
    act(() => open.set({ id: 'c2', temporary: false }));
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(renders).toBe(1);
  });
});
