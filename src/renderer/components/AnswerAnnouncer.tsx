import { VisuallyHidden } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorTitle } from '../errors/error-message';
import { useAppState } from '../state/app-state';
import { type AssistantMessage, type Conversation, isInFlight } from '../state/conversation';

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

/**
 * A polite live region for screen readers: the answer itself is not live (it would be read token by
 * token), this says when it starts and how it ends.
 */
export function AnswerAnnouncer() {
  const { conversation } = useAppState();
  const [said, setSaid] = useState({ text: '', count: 0 });
  useEffect(() => {
    let last = conversation.get();
    return conversation.subscribe(() => {
      const next = conversation.get();
      const text = answerAnnouncement(last, next);
      last = next;
      if (text !== null) setSaid((previous) => ({ text, count: previous.count + 1 }));
    });
  }, [conversation]);
  return (
    <VisuallyHidden role="status" aria-live="polite" aria-label="Answer status">
      {/* A new node per announcement: the same words twice are read twice. */}
      {said.text !== '' && <span key={said.count}>{said.text}</span>}
    </VisuallyHidden>
  );
}
