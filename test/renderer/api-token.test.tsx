import { MantineProvider } from '@mantine/core';
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiTokenGate } from '../../src/renderer/auth/ApiTokenGate';
import { adoptTokenFromLink, TOKEN_STORAGE_KEY, tokenProblem } from '../../src/renderer/auth/api-token';

afterEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
  tokenProblem.set(null);
});

describe('the token in the link', () => {
  it('moves #token= into localStorage and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/?x=1#token=abc_DEF-123');
    adoptTokenFromLink(window.location, window.history, window.localStorage);
    expect(window.localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123');
    expect(window.location.href).toBe(`${window.location.origin}/?x=1`);
  });

  it('leaves the stored token alone when the link has none', () => {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, 'kept');
    window.history.replaceState(null, '', '/#other=1');
    adoptTokenFromLink(window.location, window.history, window.localStorage);
    expect(window.localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('kept');
    expect(window.location.hash).toBe('#other=1');
  });
});

describe('a page the server refuses', () => {
  const renderGate = () =>
    render(
      <MantineProvider>
        <ApiTokenGate>
          <p>the app</p>
        </ApiTokenGate>
      </MantineProvider>,
    );

  it('shows the app until a 401, then only how to get the link', async () => {
    renderGate();
    expect(screen.getByText('the app')).toBeTruthy();
    act(() => tokenProblem.set('missing'));
    expect(screen.queryByText('the app')).toBeNull();
    // The explanation's code loads when it is needed.
    expect(await screen.findByRole('heading', { name: 'Open LightChat with its link' })).toBeTruthy();
    expect(screen.getByText('npm exec lightchat token')).toBeTruthy();
    expect(screen.getByText('Open in Browser')).toBeTruthy();
    expect(screen.getByText('Copy link')).toBeTruthy();
  });

  it('says when the token it holds was replaced', async () => {
    renderGate();
    act(() => tokenProblem.set('wrong'));
    expect(await screen.findByText(/no longer valid/)).toBeTruthy();
  });
});
