import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatEvent, ToolCallEvent } from '../../src/domain/chat';
import { newMessage, type Message as StoredMessage } from '../../src/domain/conversation';
import { DENIED_TEXT } from '../../src/domain/tools/tool-refusals';
import { ConversationView } from '../../src/renderer/components/ConversationView';
import { PendingToolCalls } from '../../src/renderer/components/PendingToolCalls';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import { fromStored } from '../../src/renderer/state/stored-conversation';
import type {
  PendingApproval,
  ToolApprovalsApi,
  ToolDecision,
} from '../../src/renderer/state/tool-approvals';

const CALL = {
  type: 'toolCall',
  id: 'call-1',
  server: 'files',
  name: 'list_directory',
  arguments: { path: '/tmp/notes' },
  needsApproval: true,
} as const satisfies ChatEvent;

const waiting = (call: Omit<ToolCallEvent, 'type'> = CALL, chatId = 'c1'): PendingApproval => ({
  chatId,
  id: call.id,
  server: call.server,
  name: call.name,
  arguments: call.arguments,
});

/**
 * A transcript and the pending-calls panel over fake APIs: the test emits the chat's events and the
 * list of waiting calls, and reads the answers the window sent.
 */
function renderWorld() {
  let emit: (event: ChatEvent) => void = () => {};
  let setPending: (pending: PendingApproval[]) => void = () => {};
  const decisions: { chatId: string; id: string; decision: ToolDecision }[] = [];
  let refuse: unknown = null;
  const api: ChatApi = {
    start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'm' }),
    events(_chatId, handlers) {
      emit = handlers.onData;
      return { unsubscribe: () => {} };
    },
  };
  const approvals: ToolApprovalsApi = {
    pendingApprovals(handlers) {
      setPending = handlers.onData;
      return { unsubscribe: () => {} };
    },
    async decideTool(input) {
      if (refuse) throw refuse;
      decisions.push(input);
      return input;
    },
  };
  const state = createAppState({ api, approvals, storage: window.sessionStorage });
  render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <ConversationView />
        <PendingToolCalls />
      </AppStateProvider>
    </MantineProvider>,
  );
  return {
    state,
    decisions,
    emit: (event: ChatEvent) => act(() => emit(event)),
    pending: (list: PendingApproval[]) => act(() => setPending(list)),
    refuseWith(error: unknown) {
      refuse = error;
    },
  };
}

async function askAndCall(world: ReturnType<typeof renderWorld>, call: ChatEvent = CALL) {
  act(() => world.state.turns.send('What is in my notes?'));
  await act(async () => {});
  world.emit(call);
  return screen.findByRole('region', { name: /Tool call: files · list_directory/ });
}

const button = (card: HTMLElement, name: string) => within(card).queryByRole('button', { name });

describe('Tool-call card', () => {
  it('shows server, tool and the arguments as formatted JSON, with Approve, Deny and Always allow while the call waits', async () => {
    const world = renderWorld();
    const card = await askAndCall(world);
    world.pending([waiting()]);
    expect(within(card).getByText('Waiting for approval')).toBeTruthy();
    expect(card.querySelector('pre')?.textContent).toBe(JSON.stringify(CALL.arguments, null, 2));
    for (const name of ['Approve', 'Deny', 'Always allow']) expect(button(card, name)).not.toBeNull();

    await act(async () => fireEvent.click(button(card, 'Approve')!));
    expect(world.decisions).toEqual([{ chatId: 'c1', id: 'call-1', decision: 'approve' }]);
  });

  it('drops its buttons when the call is answered elsewhere (it leaves the list of waiting calls)', async () => {
    const world = renderWorld();
    const card = await askAndCall(world);
    world.pending([waiting()]);
    expect(button(card, 'Deny')).not.toBeNull();
    world.pending([]);
    expect(button(card, 'Approve')).toBeNull();
    expect(button(card, 'Deny')).toBeNull();
    expect(button(card, 'Always allow')).toBeNull();
  });

  it('says why an answer from here was refused (the call ended meanwhile)', async () => {
    const world = renderWorld();
    const card = await askAndCall(world);
    world.pending([waiting()]);
    // What the tRPC client throws for the server's TOOL_CALL_NOT_FOUND.
    world.refuseWith({
      message:
        'No tool call "call-1" of chat "c1" waits for approval: it was answered, timed out, or its chat ended.',
      data: { errorCode: 'TOOL_CALL_NOT_FOUND', details: {} },
    });
    await act(async () => fireEvent.click(button(card, 'Always allow')!));
    expect((await within(card).findByRole('alert')).textContent).toMatch(/waits for approval/);
  });

  it('after the result: "Approved", and the result collapsed behind a button with its duration', async () => {
    const world = renderWorld();
    const card = await askAndCall(world);
    world.pending([waiting()]);
    world.pending([]);
    world.emit({
      type: 'toolResult',
      id: 'call-1',
      ok: true,
      content: '[FILE] **notes**.txt',
      durationMs: 12.4,
    });
    expect(within(card).getByText('Approved')).toBeTruthy();
    const toggle = within(card).getByRole('button', { name: 'Result (12 ms)' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(card).queryByText(/FILE/)).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    // Plain text, never Markdown: the asterisks stay.
    expect(within(card).getByText('[FILE] **notes**.txt')).toBeTruthy();
  });

  it.each([
    [{ needsApproval: true }, { ok: false, content: DENIED_TEXT }, 'Denied', 'Error (3 ms)'],
    [{ needsApproval: false }, { ok: true, content: 'hello' }, 'Ran automatically', 'Result (3 ms)'],
    [{ needsApproval: true }, { ok: false, content: 'ENOENT: no such file' }, 'Failed', 'Error (3 ms)'],
  ])('after %o and %o it says %s', async (call, result, outcome, toggle) => {
    const world = renderWorld();
    const card = await askAndCall(world, { ...CALL, ...call });
    world.emit({ type: 'toolResult', id: 'call-1', durationMs: 3, ...result });
    expect(within(card).getByText(outcome)).toBeTruthy();
    expect(within(card).getByRole('button', { name: toggle })).toBeTruthy();
    expect(button(card, 'Approve')).toBeNull();
  });

  it('keeps a 5 MB-sized answer light: the 20 KB result is not on the page until it is opened', async () => {
    const world = renderWorld();
    const card = await askAndCall(world, { ...CALL, needsApproval: false });
    const big = `${'x'.repeat(20 * 1024)}\n\n[LightChat cut this tool result at 20 KB: it was 5.0 MB.]`;
    world.emit({ type: 'toolResult', id: 'call-1', ok: true, content: big, durationMs: 40 });
    expect(card.textContent?.length ?? 0).toBeLessThan(1000);
    fireEvent.click(within(card).getByRole('button', { name: 'Result (40 ms)' }));
    expect(card.textContent).toContain('[LightChat cut this tool result at 20 KB');
  });

  it('shows the calls of a stored answer when a conversation is reopened', async () => {
    const world = renderWorld();
    const stored = (fields: Partial<StoredMessage>): StoredMessage => ({
      ...newMessage({
        id: 'm',
        conversationId: 'conv',
        parentId: null,
        role: 'user',
        createdAt: '2026-12-01T00:00:00.000Z',
        updatedAt: '2026-12-01T00:00:00.000Z',
      }),
      seq: 1,
      siblingIds: [],
      ...fields,
    });
    const { type: _, ...call } = CALL;
    act(() =>
      world.state.conversation.set(
        fromStored([
          stored({ id: 'u1', content: 'What is in my notes?' }),
          stored({
            id: 'a1',
            role: 'assistant',
            content: 'You have one file.',
            toolCalls: [{ ...call, result: { ok: true, content: '[FILE] a.txt', durationMs: 5 } }],
          }),
        ]),
      ),
    );
    const card = await screen.findByRole('region', { name: /Tool call: files · list_directory/ });
    expect(within(card).getByText('Approved')).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Result (5 ms)' })).toBeTruthy();
  });
});

describe('Calls waiting elsewhere', () => {
  it('lists a call that no answer on screen shows (another tab, the CLI), and answers it from here', async () => {
    const world = renderWorld();
    world.pending([waiting({ ...CALL, id: 'cli-call' }, 'cli-chat')]);
    const panel = screen.getByRole('region', { name: 'Tool calls waiting for approval' });
    // The cards' code loads when a call first waits.
    const card = await within(panel).findByRole('region', { name: /Tool call: files · list_directory/ });
    await act(async () => fireEvent.click(button(card, 'Deny')!));
    expect(world.decisions).toEqual([{ chatId: 'cli-chat', id: 'cli-call', decision: 'deny' }]);
    world.pending([]);
    expect(screen.queryByRole('region', { name: 'Tool calls waiting for approval' })).toBeNull();
  });

  it('leaves out a call the transcript already shows (its own card has the buttons)', async () => {
    const world = renderWorld();
    await askAndCall(world);
    world.pending([waiting()]);
    expect(screen.queryByRole('region', { name: 'Tool calls waiting for approval' })).toBeNull();
    expect(screen.getAllByRole('button', { name: 'Approve' })).toHaveLength(1);
  });
});
