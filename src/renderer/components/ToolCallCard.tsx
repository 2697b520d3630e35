import '../mantine-later.css';
import { Badge, Box, Button, Code, Group, Paper, Text } from '@mantine/core';
import { type ReactNode, useId } from 'react';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';
import type { PendingApproval } from '../state/tool-approvals';
import {
  formatArguments,
  formatDuration,
  type ToolCall,
  type ToolCallOutcome,
  toolCallOutcome,
} from '../state/tool-calls';
import { Collapsible } from './Collapsible';

const OUTCOME_WORDS: Record<ToolCallOutcome, { label: string; color: string }> = {
  waiting: { label: 'Waiting for approval', color: 'yellow' },
  running: { label: 'Running…', color: 'blue' },
  approved: { label: 'Approved', color: 'green' },
  'ran automatically': { label: 'Ran automatically', color: 'teal' },
  denied: { label: 'Denied', color: 'red' },
  'not allowed': { label: 'Not allowed', color: 'red' },
  failed: { label: 'Failed', color: 'orange' },
  'not run': { label: 'Not run', color: 'gray' },
};

/** Long arguments (a file to write) scroll inside the card instead of stretching the answer. */
const codeStyle = {
  maxHeight: '16rem',
  overflow: 'auto',
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-word',
} as const;

/**
 * One tool call inside an answer (CONTRACT section 11): server, tool and arguments; while it waits,
 * `Approve`, `Deny` and `Always allow`; afterwards its outcome and its result, folded away (a result
 * may be 20 KB: it is put on the page only when opened, as plain text, never as Markdown).
 */
export function ToolCallCard({ call, answerRunning }: { call: ToolCall; answerRunning: boolean }) {
  const { approvals } = useAppState();
  const pending = useStore(approvals.state, (state) => state.pending.find((entry) => entry.id === call.id));
  // Until the list of waiting calls has caught up with the stream, a call that needs approval waits.
  const notListedYet = useStore(
    approvals.state,
    (state) => call.needsApproval && !call.result && answerRunning && !state.seen.has(call.id),
  );
  const outcome = toolCallOutcome(call, { pending: pending !== undefined || notListedYet, answerRunning });
  return (
    <ToolCallFrame call={call} outcome={outcome}>
      {pending && <ApprovalButtons call={pending} />}
      {call.result && <ToolResult result={call.result} />}
    </ToolCallFrame>
  );
}

/** A call waiting for approval that no answer on screen shows (another tab, another chat, the CLI). */
export function PendingToolCallCard({ call }: { call: PendingApproval }) {
  const shown: ToolCall = { ...call, needsApproval: true };
  return (
    <ToolCallFrame call={shown} outcome="waiting">
      <ApprovalButtons call={call} />
    </ToolCallFrame>
  );
}

function ToolCallFrame({
  call,
  outcome,
  children,
}: {
  call: ToolCall;
  outcome: ToolCallOutcome;
  children: ReactNode;
}) {
  const titleId = useId();
  const words = OUTCOME_WORDS[outcome];
  const tool = call.server === '' ? call.name : `${call.server} · ${call.name}`;
  return (
    <Paper
      component="section"
      aria-labelledby={titleId}
      data-tool-call-id={call.id}
      withBorder
      radius="sm"
      p="xs"
      mb="xs"
    >
      <Group gap="xs" justify="space-between" wrap="nowrap" mb={4}>
        <Text id={titleId} size="sm" fw={600} style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
          Tool call: {tool}
        </Text>
        <Badge size="sm" variant="light" color={words.color} style={{ flexShrink: 0 }}>
          {words.label}
        </Badge>
      </Group>
      <Code block style={codeStyle}>
        {formatArguments(call.arguments)}
      </Code>
      {children}
    </Paper>
  );
}

function ApprovalButtons({ call }: { call: PendingApproval }) {
  const { approvals } = useAppState();
  const answering = useStore(approvals.state, (state) => state.answering.has(call.id));
  const error = useStore(approvals.state, (state) => state.errors[call.id]);
  return (
    <Box mt="xs">
      <Group gap="xs">
        {/* Shade 8: white on the theme's shade 6 is below 4.5:1 for this small label. */}
        <Button
          size="xs"
          color="indigo.8"
          loading={answering}
          onClick={() => void approvals.decide(call, 'approve')}
        >
          Approve
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={answering}
          onClick={() => void approvals.decide(call, 'deny')}
        >
          Deny
        </Button>
        <Button
          size="xs"
          variant="subtle"
          disabled={answering}
          onClick={() => void approvals.decide(call, 'always')}
        >
          Always allow
        </Button>
      </Group>
      {error && (
        <Text size="xs" c="red" mt={4} role="alert">
          {error}
        </Text>
      )}
    </Box>
  );
}

function ToolResult({ result }: { result: NonNullable<ToolCall['result']> }) {
  return (
    <Collapsible
      mt="xs"
      lazy
      label={`${result.ok ? 'Result' : 'Error'} (${formatDuration(result.durationMs)})`}
    >
      <Code block mt={4} style={codeStyle}>
        {result.content}
      </Code>
    </Collapsible>
  );
}
