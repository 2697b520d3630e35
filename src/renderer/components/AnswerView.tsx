import { Badge, Button, CopyButton, Group, Loader, Paper, Text } from '@mantine/core';
import { Markdown } from '../markdown/Markdown';
import { useAppState } from '../state/app-state';
import { isStreaming } from '../state/chat-session';
import { type AssistantMessage, isInFlight } from '../state/conversation';
import { useStore } from '../state/store';
import { finishNote, formatStats } from './answer-stats';
import { ErrorNotice } from './ErrorNotice';
import { ThinkingSection } from './ThinkingSection';

/** The answer's text (read from the store here: the only part of a row that streaming updates). */
function useAnswerText(id: string): string {
  const { conversation } = useAppState();
  return useStore(conversation, (state) => state.byId[id]?.content ?? '');
}

function AnswerMarkdown({ id, streaming }: { id: string; streaming: boolean }) {
  return <Markdown text={useAnswerText(id)} streaming={streaming} />;
}

function CopyAnswer({ id }: { id: string }) {
  return (
    <CopyButton value={useAnswerText(id)}>
      {({ copied, copy }) => (
        <Button size="compact-xs" variant="subtle" onClick={copy} aria-label="Copy">
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

/**
 * One answer: model, thinking, the Markdown as it streams, then stats, Copy and Regenerate.
 * `message.content` may lag behind while streaming (see `sameApartFromText`): only whether it is
 * empty is read here.
 */
export function AnswerView({ message }: { message: AssistantMessage }) {
  const { session, conversation } = useAppState();
  const busy = useStore(conversation, isStreaming);
  const inFlight = isInFlight(message);
  const note = finishNote(message.finishReason);
  return (
    <Paper component="article" aria-label="Assistant message" p="sm" withBorder radius="md">
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
      {message.thinking !== '' && (
        <ThinkingSection text={message.thinking} active={inFlight && message.content === ''} />
      )}
      {inFlight && message.content === '' && message.thinking === '' && (
        <Group gap="xs" c="dimmed">
          <Loader size="xs" type="dots" />
          <Text size="sm">Waiting for the model…</Text>
        </Group>
      )}
      {message.content !== '' && <AnswerMarkdown id={message.id} streaming={inFlight} />}
      {message.error && (
        <ErrorNotice error={message.error} onRetry={busy ? undefined : () => session.reask(message.id)} />
      )}
      {!inFlight && (
        <Group justify="space-between" mt="xs" gap="xs">
          <Text size="xs" c="dimmed">
            {message.stats ? formatStats(message.stats, message.usage) : ''}
          </Text>
          <Group gap={4}>
            {message.content !== '' && <CopyAnswer id={message.id} />}
            {message.status !== 'error' && (
              <Button
                size="compact-xs"
                variant="subtle"
                disabled={busy}
                onClick={() => session.reask(message.id)}
              >
                Regenerate
              </Button>
            )}
          </Group>
        </Group>
      )}
    </Paper>
  );
}
