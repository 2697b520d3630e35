import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useFollowScroll } from '../../src/renderer/components/use-follow-scroll';

/**
 * A scroll box with the geometry a browser would give it (jsdom has no layout), and the content's
 * ResizeObserver callbacks run by hand, the way a frame runs them after layout.
 */
function scrollBox() {
  const box = document.createElement('section');
  const inner = document.createElement('div');
  box.append(inner);
  const geometry = { height: 500, content: 1000, top: 500 };
  Object.defineProperties(box, {
    clientHeight: { get: () => geometry.height },
    scrollHeight: { get: () => geometry.content },
    scrollTop: {
      get: () => geometry.top,
      set: (value: number) => {
        geometry.top = Math.max(0, Math.min(value, geometry.content - geometry.height));
      },
    },
  });
  return { box, inner, geometry };
}

const observers: ResizeObserverCallback[] = [];
const realObserver = globalThis.ResizeObserver;

class RecordingResizeObserver {
  constructor(callback: ResizeObserverCallback) {
    observers.push(callback);
  }
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

/** A frame's layout found the content resized: the observers run. */
const resized = () => {
  for (const callback of observers) callback([], {} as ResizeObserver);
};

afterEach(() => {
  globalThis.ResizeObserver = realObserver;
  observers.length = 0;
});

function follow() {
  globalThis.ResizeObserver = RecordingResizeObserver as unknown as typeof ResizeObserver;
  const scroll = scrollBox();
  const hook = renderHook(() => useFollowScroll({ current: scroll.box }, { current: scroll.inner }));
  return { ...scroll, hook };
}

describe('following the stream at the bottom of the transcript', () => {
  it('keeps following when more text arrives between its own scroll and that scroll’s event (a slow frame)', () => {
    const { box, geometry, hook } = follow();
    geometry.content = 1100;
    resized();
    expect(geometry.top).toBe(600);
    // Before the next frame dispatches the scroll event, two more lines of answer were committed.
    geometry.content = 1200;
    act(() => {
      box.dispatchEvent(new Event('scroll'));
    });
    expect(hook.result.current.following).toBe(true);
    resized();
    expect(geometry.top).toBe(700);
  });

  it('stops following when the user scrolls up, and follows again at the bottom', () => {
    const { box, geometry, hook } = follow();
    geometry.top = 300;
    act(() => {
      box.dispatchEvent(new Event('scroll'));
    });
    expect(hook.result.current.following).toBe(false);
    geometry.content = 1100;
    resized();
    expect(geometry.top).toBe(300);
    geometry.top = 600;
    act(() => {
      box.dispatchEvent(new Event('scroll'));
    });
    expect(hook.result.current.following).toBe(true);
  });

  it('stops following when something else scrolls it off the bottom (a search result opened further up)', () => {
    const { box, geometry, hook } = follow();
    geometry.content = 1100;
    resized();
    geometry.top = 450;
    act(() => {
      box.dispatchEvent(new Event('scroll'));
    });
    expect(hook.result.current.following).toBe(false);
  });

  it('Jump to latest follows again, even when more text arrives before its scroll event', () => {
    const { box, geometry, hook } = follow();
    geometry.top = 100;
    act(() => {
      box.dispatchEvent(new Event('scroll'));
    });
    act(() => hook.result.current.jumpToLatest());
    geometry.content = 1200;
    act(() => {
      box.dispatchEvent(new Event('scroll'));
    });
    expect(hook.result.current.following).toBe(true);
  });
});
