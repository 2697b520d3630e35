import { act, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useOpenConversationChange } from '../../src/renderer/components/use-open-change';
import { newConversation, type OpenConversation } from '../../src/renderer/state/open-conversation';
import { createStore } from '../../src/renderer/state/store';

describe('another conversation shown', () => {
  it('calls back without rendering the window again (it re-rendered the header, selects and composer in the paint of an opened conversation)', () => {
    const open = createStore<OpenConversation>(newConversation);
    const onChange = vi.fn();
    let renders = 0;
    function Window() {
      renders++;
      useOpenConversationChange(open, onChange);
      return null;
    }
    render(<Window />);
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
