import { Loader, Text } from '@mantine/core';
import { Collapsible } from './Collapsible';

/** A reasoning model's thinking, folded away from the answer; open it to read. */
export function ThinkingSection({ text, active }: { text: string; active: boolean }) {
  return (
    <Collapsible
      mb="xs"
      label={
        <>
          Thinking
          {active && <Loader size={10} ml={6} aria-hidden />}
        </>
      }
    >
      <Text
        size="sm"
        c="dimmed"
        pl="sm"
        mt={4}
        style={{ whiteSpace: 'pre-wrap', borderLeft: '2px solid var(--mantine-color-default-border)' }}
      >
        {text}
      </Text>
    </Collapsible>
  );
}
