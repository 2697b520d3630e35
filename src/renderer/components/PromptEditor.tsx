import { Box, Collapse, Text, Textarea } from '@mantine/core';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';

/**
 * The session's system prompt, sent as the first system message of each request; kept for this
 * window only. Says when the provider's own `system_prompt` from settings applies instead.
 */
export function PromptEditor({ open, providerPrompt }: { open: boolean; providerPrompt: string | null }) {
  const { choice } = useAppState();
  const systemPrompt = useStore(choice, (value) => value.systemPrompt);
  const own = systemPrompt.trim() !== '';
  return (
    <Collapse expanded={open}>
      <Box px="md" py="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Box maw={860} mx="auto">
          <Textarea
            label="System prompt"
            description="Sent first with every message of this chat. Not saved to settings."
            placeholder="e.g. You are a concise assistant. Answer in British English."
            autosize
            minRows={2}
            maxRows={8}
            value={systemPrompt}
            onChange={(event) => choice.set({ ...choice.get(), systemPrompt: event.currentTarget.value })}
          />
          {providerPrompt && (
            <Text size="xs" c="dimmed" mt={4}>
              {own
                ? `This replaces the provider's configured system prompt (“${providerPrompt}”).`
                : `Empty: the provider's configured system prompt applies (“${providerPrompt}”).`}
            </Text>
          )}
        </Box>
      </Box>
    </Collapse>
  );
}
