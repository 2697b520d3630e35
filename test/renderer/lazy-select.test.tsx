import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LazySelect } from '../../src/renderer/components/LazySelect';

// Counts when the Select's chunk is asked for.
const chunk = vi.hoisted(() => ({ loads: 0 }));
vi.mock('../../src/renderer/components/select-module', async (importOriginal) => {
  chunk.loads++;
  return importOriginal();
});

afterEach(() => vi.restoreAllMocks());

describe('LazySelect', () => {
  it("asks for its chunk only after the page's first paint, then becomes the labelled combobox", async () => {
    // Frames are held back until the test lets the page "paint".
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    render(
      <MantineProvider>
        <LazySelect
          label="Provider"
          data={[{ value: 'ollama_local', label: 'Ollama' }]}
          value="ollama_local"
        />
      </MantineProvider>,
    );
    // A task later, still before the first frame: nothing fetched that the first paint would wait on.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(chunk.loads).toBe(0);
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames.splice(0)) frame(performance.now());
    const box = await screen.findByRole('combobox', { name: 'Provider' });
    expect(box).toHaveProperty('value', 'Ollama');
    expect(chunk.loads).toBe(1);
  });
});
