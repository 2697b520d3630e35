import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Collapsible } from '../../src/renderer/components/Collapsible';
import { ThinkingSection } from '../../src/renderer/components/ThinkingSection';

describe('Collapsible (Thinking, a tool call’s result)', () => {
  it('says whether it is open and which panel it opens', () => {
    render(
      <MantineProvider>
        <ThinkingSection text="Let me think." active={false} />
      </MantineProvider>,
    );
    const toggle = screen.getByRole('button', { name: 'Thinking' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    const panel = document.getElementById(toggle.getAttribute('aria-controls') ?? '');
    expect(panel?.textContent).toBe('Let me think.');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('puts a lazy panel on the page only while it is open', () => {
    render(
      <MantineProvider>
        <Collapsible label="Result (3 ms)" lazy>
          <span>a big result</span>
        </Collapsible>
      </MantineProvider>,
    );
    const toggle = screen.getByRole('button', { name: 'Result (3 ms)' });
    expect(screen.queryByText('a big result')).toBeNull();
    fireEvent.click(toggle);
    expect(screen.getByText('a big result')).toBeTruthy();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
  });
});
