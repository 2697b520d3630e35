import { Box, Collapse, Loader, Text, UnstyledButton } from '@mantine/core';
import { useId, useState } from 'react';

/** A reasoning model's thinking, folded away from the answer; open it to read. */
export function ThinkingSection({ text, active }: { text: string; active: boolean }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <Box mb="xs">
      <UnstyledButton
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        fz="sm"
        c="dimmed"
      >
        <span aria-hidden>{open ? '▾ ' : '▸ '}</span>
        Thinking
        {active && <Loader size={10} ml={6} aria-hidden />}
      </UnstyledButton>
      <Collapse expanded={open} id={panelId}>
        <Text
          size="sm"
          c="dimmed"
          pl="sm"
          mt={4}
          style={{ whiteSpace: 'pre-wrap', borderLeft: '2px solid var(--mantine-color-default-border)' }}
        >
          {text}
        </Text>
      </Collapse>
    </Box>
  );
}
