import { Badge, Button, CopyButton, Group, Loader, Paper, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Markdown } from '../markdown/Markdown';
import { useAppState } from '../state/app-state';
import { isStreaming } from '../state/chat-turns';
import { type AssistantMessage, isInFlight } from '../state/conversation';
import { useStore } from '../state/store';
import { finishNote, formatStats } from './answer-stats';
import { DeleteMessage } from './DeleteMessage';
import { ErrorNotice } from './ErrorNotice';
import { ThinkingSection } from './ThinkingSection';
import { VersionSwitch } from './VersionSwitch';

// Tool-call cards (arguments, approvals, results) load with the first answer that calls a tool.
const ToolCallCard = lazy(() =>
  import('./ToolCallCard').then((module) => ({ default: module.ToolCallCard })),
);

/** The answer's text, read from the store here: the only part of a row that streaming updates. */
function AnswerMarkdown({ id, streaming }: { id: string; streaming: boolean }) {
  const { conversation } = useAppState();
  const text = useStore(conversation, (state) => state.byId[id]?.content ?? '');
  return <Markdown text={text} streaming={streaming} />;
}

/**
 * One answer: model, thinking, its tool calls, the Markdown as it streams, then stats, Copy and
 * Regenerate.
 * While it streams `message.content` may lag behind (see `sameApartFromText`); once the answer has
 * ended it is the whole text (the status change that ends it brings the last text with it).
 */
export function AnswerView({ message }: { message: AssistantMessage }) {
  const { turns, conversation } = useAppState();
  const busy = useStore(conversation, isStreaming);
  const inFlight = isInFlight(message);
  const note = finishNote(message.finishReason);
  // After its calls' results the model is asked again: it is waited for as at the start.
  const callsAnswered = (message.toolCalls ?? []).every((call) => call.result !== undefined);
  return (
    <Paper
      component="article"
      aria-label="Assistant message"
      data-message-id={message.id}
      tabIndex={-1}
      p="sm"
      withBorder
      radius="md"
    >
      <Group gap="xs" mb={6}>
        <Text size="xs" c="dimmed" fw={600}>
          {message.modelId ?? 'Assistant'}
        </Text>
        {note && (
          <Badge size="xs" variant="light" color={message.status === 'stopped' ? 'gray' : 'yellow'}>
            {note}
          </Badge>
        )}
      </Group>
      {message.droppedMessages !== undefined && (
        <Text size="xs" c="dimmed" mb={6} role="note">
          {message.droppedMessages === 1
            ? '1 older message was left out to fit the model’s context window.'
            : `${message.droppedMessages} older messages were left out to fit the model’s context window.`}
        </Text>
      )}
      {message.thinking !== '' && (
        <ThinkingSection text={message.thinking} active={inFlight && message.content === ''} />
      )}
      {message.toolCalls && message.toolCalls.length > 0 && (
        <Suspense fallback={<Loader size="xs" aria-label="Loading tool calls" />}>
          {message.toolCalls.map((call) => (
            <ToolCallCard key={call.id} call={call} answerRunning={inFlight} />
          ))}
        </Suspense>
      )}
      {inFlight && message.content === '' && message.thinking === '' && callsAnswered && (
        <Group gap="xs" c="dimmed">
          <Loader size="xs" type="dots" />
          <Text size="sm">Waiting for the model…</Text>
        </Group>
      )}
      {message.content !== '' && <AnswerMarkdown id={message.id} streaming={inFlight} />}
      {message.error && (
        <ErrorNotice error={message.error} onRetry={busy ? undefined : () => turns.reask(message.id)} />
      )}
      {!inFlight && (
        <Group justify="space-between" mt="xs" gap="xs">
          <Text size="xs" c="dimmed">
            {message.stats ? formatStats(message.stats, message.usage) : ''}
          </Text>
          <Group gap={4}>
            <VersionSwitch message={message} />
            {message.content !== '' && (
              <CopyButton value={message.content}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="subtle" onClick={copy} aria-label="Copy">
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            )}
            {message.status !== 'error' && (
              <Button
                size="compact-xs"
                variant="subtle"
                disabled={busy}
                onClick={() => turns.reask(message.id)}
              >
                Regenerate
              </Button>
            )}
            <DeleteMessage id={message.id} />
          </Group>
        </Group>
      )}
    </Paper>
  );
}
