import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { McpServerEditor } from '../../src/renderer/settings/McpServerEditor';
import type { McpServerFormValues } from '../../src/renderer/settings/mcp-server-form';
import { serverToForm, serverToInput } from '../../src/renderer/settings/mcp-server-form';
import { PasteServersDialog } from '../../src/renderer/settings/PasteServersDialog';

const wrap = (node: ReactNode) => render(<MantineProvider>{node}</MantineProvider>);

describe('Settings → Tools → Paste JSON', () => {
  it('adds the pasted servers when every one is right', async () => {
    const onAdd = vi.fn();
    wrap(<PasteServersDialog opened existingNames={[]} onCancel={() => {}} onAdd={onAdd} />);
    const dialog = await screen.findByRole('dialog', { name: 'Paste JSON' });
    fireEvent.change(within(dialog).getByLabelText('MCP servers JSON'), {
      target: {
        value:
          '{"mcpServers": {"GitHub": {"command": "npx", "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_1"}}}}',
      },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add servers' }));
    expect(onAdd).toHaveBeenCalledTimes(1);
    const [servers] = onAdd.mock.calls[0] as [McpServerFormValues[], string[]];
    expect(servers.map((server) => server.name)).toEqual(['github']);
    expect(serverToInput(servers[0]!).env).toEqual({ GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_1' });
  });

  it('adds nothing and names the server, the field and the fix when one is wrong', async () => {
    const onAdd = vi.fn();
    wrap(<PasteServersDialog opened existingNames={['files']} onCancel={() => {}} onAdd={onAdd} />);
    const dialog = await screen.findByRole('dialog', { name: 'Paste JSON' });
    fireEvent.change(within(dialog).getByLabelText('MCP servers JSON'), {
      target: { value: '{"mcpServers": {"Files": {"command": "npx"}, "web": {"url": "nope"}}}' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add servers' }));
    expect(onAdd).not.toHaveBeenCalled();
    const alert = within(dialog).getByRole('alert');
    expect(alert.textContent).toContain('Nothing was added');
    expect(alert.textContent).toContain(
      'Server "Files" (saved as "files") → name: there is already a server named "files"',
    );
    expect(alert.textContent).toContain('Server "web" → url: url must be an http:// or https:// URL');
  });
});

describe('Settings → Tools → Add server / Edit server', () => {
  it('shows the problems on their fields and adds nothing until they are fixed', async () => {
    const onDone = vi.fn();
    wrap(<McpServerEditor opened initial={null} otherNames={[]} onCancel={() => {}} onDone={onDone} />);
    const dialog = await screen.findByRole('dialog', { name: 'Add server' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Local Files' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(onDone).not.toHaveBeenCalled();
    expect(dialog.textContent).toContain('use "local-files"');
    expect(dialog.textContent).toContain('needs "command" (a program LightChat starts, e.g. command: npx)');

    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'local-files' } });
    fireEvent.change(within(dialog).getByLabelText('Command'), { target: { value: 'node' } });
    fireEvent.change(within(dialog).getByLabelText('Arguments'), {
      target: { value: 'server.js\n/tmp/my folder' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add variable' }));
    fireEvent.change(within(dialog).getByLabelText('Environment variable 1 name'), {
      target: { value: 'SECRET_TOKEN' },
    });
    fireEvent.change(within(dialog).getByLabelText('Environment variable 1 value'), {
      target: { value: 's3cret' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(onDone).toHaveBeenCalledTimes(1);
    const server = onDone.mock.calls[0]![0] as McpServerFormValues;
    expect(serverToInput(server)).toMatchObject({
      command: 'node',
      args: ['server.js', '/tmp/my folder'],
      env: { SECRET_TOKEN: 's3cret' },
    });
  });

  it('never shows a stored secret: its row says "set" and, left empty, keeps it', async () => {
    const onDone = vi.fn();
    const initial = serverToForm('github', {
      command: 'npx',
      args: [],
      env: { GITHUB_TOKEN: null },
      headers: {},
      enabled: true,
      runWithoutAsking: false,
      alwaysAllow: [],
      neverAllow: [],
    });
    wrap(<McpServerEditor opened initial={initial} otherNames={[]} onCancel={() => {}} onDone={onDone} />);
    const dialog = await screen.findByRole('dialog', { name: 'Edit server' });
    const value = within(dialog).getByLabelText('Environment variable 1 value') as HTMLInputElement;
    expect(value.value).toBe('');
    expect(value.type).toBe('password');
    expect(value.placeholder).toBe('set (leave empty to keep)');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply' }));
    expect(serverToInput(onDone.mock.calls[0]![0] as McpServerFormValues).env).toEqual({
      GITHUB_TOKEN: null,
    });
  });
});
