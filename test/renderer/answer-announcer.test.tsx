import { MantineProvider } from '@mantine/core';
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  AnswerAnnouncer,
  answerAnnouncement,
  approvalAnnouncement,
} from '../../src/renderer/components/AnswerAnnouncer';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import {
  type AnswerStatus,
  type AssistantMessage,
  type Conversation,
  emptyConversation,
} from '../../src/renderer/state/conversation';

/** A conversation of one question and its answer, the answer in `status`. */
function turn(status: AnswerStatus, answerId = 'a1'): Conversation {
  const answer: AssistantMessage = {
    id: answerId,
    role: 'assistant',
    content: status === 'waiting' ? '' : 'Some text',
    thinking: '',
    status,
    providerId: null,
    modelId: null,
    finishReason: null,
    stats: null,
    usage: null,
    error: status === 'error' ? { code: 'PROVIDER_UNREACHABLE', message: 'down', details: {} } : null,
  };
  return {
    order: ['u1', answerId],
    byId: { u1: { id: 'u1', role: 'user', content: 'Hi' }, [answerId]: answer },
  };
}

describe('answerAnnouncement', () => {
  it('says when the latest answer starts, and how it ended', () => {
    expect(answerAnnouncement(emptyConversation, turn('waiting'))).toBe('Answer started.');
    expect(answerAnnouncement(turn('streaming'), turn('done'))).toBe('Answer finished.');
    expect(answerAnnouncement(turn('streaming'), turn('stopped'))).toBe('Answer stopped.');
    expect(answerAnnouncement(turn('waiting'), turn('error'))).toBe(
      'Answer failed: The provider is not reachable.',
    );
    expect(answerAnnouncement(turn('streaming'), turn('interrupted'))).toBe('Answer interrupted.');
  });

  it('says nothing while the answer streams, or when a finished conversation is shown', () => {
    expect(answerAnnouncement(turn('waiting'), turn('streaming'))).toBeNull();
    expect(answerAnnouncement(turn('streaming'), turn('streaming'))).toBeNull();
    expect(answerAnnouncement(emptyConversation, turn('done'))).toBeNull();
    expect(answerAnnouncement(turn('done'), emptyConversation)).toBeNull();
  });

  it('a regenerated answer (new id after a finished one) starts again', () => {
    expect(answerAnnouncement(turn('done', 'a1'), turn('waiting', 'a2'))).toBe('Answer started.');
  });
});

describe('AnswerAnnouncer', () => {
  it('is a polite status region that speaks the changes, never the streamed text', () => {
    const api: ChatApi = {
      start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'm' }),
      events: () => ({ unsubscribe: () => {} }),
    };
    const state = createAppState({ api, storage: window.sessionStorage });
    render(
      <MantineProvider>
        <AppStateProvider state={state}>
          <AnswerAnnouncer />
        </AppStateProvider>
      </MantineProvider>,
    );
    const region = screen.getByRole('status', { name: 'Answer status' });
    expect(region.getAttribute('aria-live') ?? 'polite').toBe('polite');
    act(() => state.conversation.set(turn('waiting')));
    expect(region.textContent).toBe('Answer started.');
    act(() => state.conversation.set(turn('streaming')));
    expect(region.textContent).toBe('Answer started.');
    act(() => state.conversation.set(turn('done')));
    expect(region.textContent).toBe('Answer finished.');
    // The same words again are a new announcement: the region's content is replaced, not kept.
    const spoken = region.firstElementChild;
    act(() => state.conversation.set(turn('waiting', 'a2')));
    act(() => state.conversation.set(turn('done', 'a2')));
    expect(region.textContent).toBe('Answer finished.');
    expect(region.firstElementChild).not.toBe(spoken);
  });
});

describe('approvalAnnouncement', () => {
  const call = (id: string, name = 'list_directory', chatId = 'c1') => ({
    chatId,
    id,
    server: 'files',
    name,
    arguments: {},
  });

  it('says when a tool call starts waiting for approval, and nothing when one leaves the list', () => {
    expect(approvalAnnouncement([], [call('1')])).toBe(
      'A tool call needs your approval: files list_directory.',
    );
    expect(
      approvalAnnouncement([call('1')], [call('1'), call('2', 'write_file'), call('3', 'read_text_file')]),
    ).toBe('2 tool calls need your approval: files write_file, files read_text_file.');
    expect(approvalAnnouncement([call('1')], [])).toBeNull();
    expect(approvalAnnouncement([call('1')], [call('1')])).toBeNull();
  });

  it('is spoken by the polite status region as the list of waiting calls changes', () => {
    let setPending: (pending: ReturnType<typeof call>[]) => void = () => {};
    const api: ChatApi = {
      start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'm' }),
      events: () => ({ unsubscribe: () => {} }),
    };
    const state = createAppState({
      api,
      approvals: {
        pendingApprovals: (handlers) => {
          setPending = handlers.onData;
          return { unsubscribe: () => {} };
        },
        decideTool: async () => ({}),
      },
      storage: window.sessionStorage,
    });
    render(
      <MantineProvider>
        <AppStateProvider state={state}>
          <AnswerAnnouncer />
        </AppStateProvider>
      </MantineProvider>,
    );
    const region = screen.getByRole('status', { name: 'Answer status' });
    act(() => setPending([call('1', 'write_file')]));
    expect(region.textContent).toBe('A tool call needs your approval: files write_file.');
  });
});
