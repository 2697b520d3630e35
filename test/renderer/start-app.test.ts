import { afterEach, describe, expect, it, vi } from 'vitest';
import { APP_START_LIMIT_MS, startAppAfter } from '../../src/renderer/shell/start-app';

afterEach(() => {
  vi.useRealTimers();
});

describe("the app's bundle, started by the early module", () => {
  it('evaluates once the shell has been painted, not before', async () => {
    vi.useFakeTimers();
    let painted: () => void = () => {};
    const load = vi.fn(async (_url: string) => {});
    startAppAfter(new Promise<void>((resolve) => (painted = resolve)), { entry: '/assets/index.js', load });
    await vi.advanceTimersByTimeAsync(APP_START_LIMIT_MS - 1);
    expect(load).not.toHaveBeenCalled();
    painted();
    await vi.advanceTimersByTimeAsync(0);
    expect(load.mock.calls).toEqual([['/assets/index.js']]);
    // Once only, the limit passing too.
    await vi.advanceTimersByTimeAsync(APP_START_LIMIT_MS);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('evaluates anyway when the shell has not been painted within the limit (a slow server)', async () => {
    vi.useFakeTimers();
    const load = vi.fn(async (_url: string) => {});
    startAppAfter(new Promise<void>(() => {}), { entry: '/assets/index.js', load });
    await vi.advanceTimersByTimeAsync(APP_START_LIMIT_MS);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('starts nothing on a page that runs the app itself (the dev server: no preloaded entry)', async () => {
    const load = vi.fn(async (_url: string) => {});
    startAppAfter(Promise.resolve(), { entry: null, load });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(load).not.toHaveBeenCalled();
  });
});
