import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LazySelect } from '../../src/renderer/components/LazySelect';

describe('LazySelect', () => {
  it('becomes the labelled combobox with its value once its chunk has loaded', async () => {
    render(
      <MantineProvider>
        <LazySelect
          label="Provider"
          data={[{ value: 'ollama_local', label: 'Ollama' }]}
          value="ollama_local"
        />
      </MantineProvider>,
    );
    const box = await screen.findByRole('combobox', { name: 'Provider' });
    expect(box).toHaveProperty('value', 'Ollama');
  });
});
