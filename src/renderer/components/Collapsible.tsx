import { Box, type BoxProps, Collapse, UnstyledButton } from '@mantine/core';
import { type ReactNode, useId, useState } from 'react';

/**
 * A dimmed toggle that folds a panel away (an answer's Thinking, a tool call's result): the button
 * says whether it is open (`aria-expanded`) and which panel it opens (`aria-controls`). `lazy`: the
 * panel is put on the page only while open (a tool result may be 20 KB).
 */
export function Collapsible({
  label,
  lazy = false,
  children,
  ...box
}: { label: ReactNode; lazy?: boolean; children: ReactNode } & BoxProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <Box {...box}>
      <UnstyledButton
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        fz="sm"
        c="dimmed"
      >
        <span aria-hidden>{open ? '▾ ' : '▸ '}</span>
        {label}
      </UnstyledButton>
      <Collapse expanded={open} id={panelId}>
        {(open || !lazy) && children}
      </Collapse>
    </Box>
  );
}
