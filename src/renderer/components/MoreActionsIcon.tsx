import { ActionIcon } from '@mantine/core';
import { forwardRef } from 'react';

/** The header menu's button: also shown, and clickable, while the menu's chunk loads. */
export const MoreActionsIcon = forwardRef<HTMLButtonElement, { onClick?: () => void }>(
  function MoreActionsIcon(props, ref) {
    return (
      <ActionIcon
        ref={ref}
        size="lg"
        variant="default"
        aria-label="More actions"
        title="More actions"
        {...props}
      >
        <span aria-hidden>⋯</span>
      </ActionIcon>
    );
  },
);
