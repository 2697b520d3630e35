import { VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorTitle } from '../errors/error-message';
import { useAppState } from '../state/app-state';
import { type AssistantMessage, type Conversation, isInFlight } from '../state/conversation';
import type { PendingApproval } from '../state/tool-approvals';

const latestAnswer = (state: Conversation): AssistantMessage | undefined => {
  const last = state.byId[state.order.at(-1) ?? ''];
  return last?.role === 'assistant' ? last : undefined;
};

const ENDINGS: Partial<Record<AssistantMessage['status'], string>> = {
  done: 'Answer finished.',
  stopped: 'Answer stopped.',
  interrupted: 'Answer interrupted.',
};

/**
 * What the status region says when the conversation changes from `before` to `after`: the latest
 * answer starting, or how it ended; null for everything else (streamed text above all).
 */
export function answerAnnouncement(before: Conversation, after: Conversation): string | null {
  const was = latestAnswer(before);
  const now = latestAnswer(after);
  if (now === undefined) return null;
  const wasRunning = was !== undefined && isInFlight(was);
  if (isInFlight(now)) return wasRunning ? null : 'Answer started.';
  // Another conversation opened while one ran has other messages: it did not "finish".
  if (!wasRunning || (was.id !== now.id && before.order.length !== after.order.length)) return null;
  if (now.status === 'error') return `Answer failed: ${now.error ? errorTitle(now.error) : 'unknown error'}.`;
  return ENDINGS[now.status] ?? null;
}

/** What the status region says when calls start waiting for approval: null when none started. */
export function approvalAnnouncement(before: PendingApproval[], after: PendingApproval[]): string | null {
  const known = new Set(before.map((call) => `${call.chatId}\n${call.id}`));
  const added = after.filter((call) => !known.has(`${call.chatId}\n${call.id}`));
  if (added.length === 0) return null;
  const names = added.map((call) => (call.server === '' ? call.name : `${call.server} ${call.name}`));
  return added.length === 1
    ? `A tool call needs your approval: ${names[0]}.`
    : `${added.length} tool calls need your approval: ${names.join(', ')}.`;
}

/**
 * A polite live region for screen readers: the answer itself is not live (it would be read token by
 * token), this says when it starts and how it ends, and when a tool call waits for approval.
 */
export function AnswerAnnouncer() {
  const { conversation, approvals } = useAppState();
  const [said, setSaid] = useState({ text: '', count: 0 });
  useEffect(() => {
    const say = (text: string | null) => {
      if (text !== null) setSaid((previous) => ({ text, count: previous.count + 1 }));
    };
    let last = conversation.get();
    let lastPending = approvals.state.get().pending;
    const stops = [
      conversation.subscribe(() => {
        const next = conversation.get();
        say(answerAnnouncement(last, next));
        last = next;
      }),
      approvals.state.subscribe(() => {
        const next = approvals.state.get().pending;
        say(approvalAnnouncement(lastPending, next));
        lastPending = next;
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [conversation, approvals]);
  return (
    <VisuallyHidden role="status" aria-live="polite" aria-label="Answer status">
      {/* A new node per announcement: the same words twice are read twice. */}
      {said.text !== '' && <span key={said.count}>{said.text}</span>}
    </VisuallyHidden>
  );
}
