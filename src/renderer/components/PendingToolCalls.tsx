import { Box, Loader, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useAppState } from '../state/app-state';
import type { Conversation } from '../state/conversation';
import { useStore } from '../state/store';

// Loaded when a call waits here, like the cards in answers.
const PendingToolCallCard = lazy(() =>
  import('./ToolCallCard').then((module) => ({ default: module.PendingToolCallCard })),
);

/** The ids of the tool calls the transcript shows (their cards carry their own buttons). */
function shownCallIds(conversation: Conversation): Set<string> {
  const ids = new Set<string>();
  for (const id of conversation.order) {
    const message = conversation.byId[id];
    if (message?.role === 'assistant') for (const call of message.toolCalls ?? []) ids.add(call.id);
  }
  return ids;
}

const sameIds = (a: Set<string>, b: Set<string>): boolean =>
  a.size === b.size && [...a].every((id) => b.has(id));

/**
 * Calls waiting for approval that no answer on screen shows: started in another tab or window, in
 * another conversation, or by the CLI (CONTRACT section 11: a call can be answered from any window).
 */
export function PendingToolCalls() {
  const { approvals, conversation } = useAppState();
  const pending = useStore(approvals.state, (state) => state.pending);
  const shown = useStore(conversation, shownCallIds, sameIds);
  const elsewhere = pending.filter((call) => !shown.has(call.id));
  if (elsewhere.length === 0) return null;
  return (
    <Box component="section" aria-label="Tool calls waiting for approval" px="md" pt="xs">
      <Box maw={860} mx="auto">
        <Text size="sm" fw={600} mb={4}>
          Waiting for your approval (from another window or chat)
        </Text>
        {/* The browser's own scrollbar: Mantine's ScrollArea would add its code to the first screen's. */}
        <Box mah="40dvh" style={{ overflowY: 'auto' }}>
          <Suspense fallback={<Loader size="xs" aria-label="Loading tool calls" />}>
            {elsewhere.map((call) => (
              <PendingToolCallCard key={`${call.chatId}/${call.id}`} call={call} />
            ))}
          </Suspense>
        </Box>
      </Box>
    </Box>
  );
}
