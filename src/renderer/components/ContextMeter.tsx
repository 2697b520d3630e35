import { Group, Text } from '@mantine/core';
import { useRef } from 'react';
import { messageTokens } from '../../domain/services/context-window';
import { useAppState } from '../state/app-state';
import { isStreaming } from '../state/chat-turns';
import { branchTokens, contextUse } from '../state/context-use';
import type { AttachedFile } from '../state/conversation';
import { type Store, useStore } from '../state/store';
import { LazyTooltip } from './LazyTooltip';

const number = (value: number) => value.toLocaleString('en-US');

/**
 * How full the model's context is for the next message (CONTRACT section 12): a `meter` named
 * "Context" whose text says "12,340 of 32,768 tokens", with a warning when older messages will be
 * left out. While an answer streams it keeps the count from before (the composer stays out of the
 * transcript's updates), and counts the answer once it ends.
 */
export function ContextMeter({ draft, files }: { draft: Store<string>; files: readonly AttachedFile[] }) {
  const { conversation, choice, modelInUse, open } = useAppState();
  const model = useStore(modelInUse, (value) => value);
  const numCtx = useStore(open, (value) => value.numCtx ?? null);
  const systemPrompt = useStore(choice, (value) => value.systemPrompt);
  // The draft's estimate, not its text: most keys leave it as it was and re-render nothing here.
  const draftTokens = useStore(draft, (text) => messageTokens({ content: text }));
  const counted = useStore(conversation, (state) => (isStreaming(state) ? -1 : branchTokens(state)));
  const lastBranch = useRef(0);
  if (counted >= 0) lastBranch.current = counted;
  const use = contextUse({ model, numCtx, systemPrompt, branch: lastBranch.current, draftTokens, files });
  if (!use) return null;
  const percent = Math.min(100, (use.used / use.window) * 100);
  const text = `${number(use.used)} of ${number(use.window)} tokens`;
  const warning = use.tooLong
    ? 'The message alone does not fit this model’s context: shorten it or remove a file.'
    : use.dropping
      ? 'Older messages will be left out to fit the model’s context.'
      : null;
  const color = use.tooLong ? 'red' : use.dropping ? 'yellow' : 'blue';
  return (
    <LazyTooltip label={warning ?? `Context: ${text}`} withArrow>
      <Group gap={6} wrap="nowrap">
        {/* biome-ignore lint/a11y/useSemanticElements: Mantine draws the bar; a native <meter> looks different in every browser */}
        <div
          role="meter"
          aria-label="Context"
          aria-valuemin={0}
          aria-valuemax={use.window}
          aria-valuenow={Math.min(use.used, use.window)}
          aria-valuetext={warning ? `${text}. ${warning}` : text}
          data-state={use.tooLong ? 'too-long' : use.dropping ? 'dropping' : 'fits'}
          style={{ width: 64 }}
        >
          {/* The bar itself, drawn like Mantine's Progress (which would add its code to the first screen's). */}
          <div
            aria-hidden
            style={{
              height: 5,
              borderRadius: 'var(--mantine-radius-xl)',
              background: 'var(--mantine-color-default-border)',
              overflow: 'hidden',
            }}
          >
            <div
              style={{
                width: `${percent}%`,
                height: '100%',
                background: `var(--mantine-color-${color}-filled)`,
              }}
            />
          </div>
        </div>
        <Text size="xs" c={use.dropping ? undefined : 'dimmed'} fw={use.dropping ? 600 : undefined}>
          {use.dropping ? (use.tooLong ? 'Too long' : 'Older messages dropped') : `${Math.round(percent)}%`}
        </Text>
      </Group>
    </LazyTooltip>
  );
}
