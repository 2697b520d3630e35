import { ActionIcon, type ActionIconProps } from '@mantine/core';
import type { ComponentPropsWithoutRef } from 'react';

type ActionsButtonProps = ActionIconProps & ComponentPropsWithoutRef<'button'> & { title: string };

/** A conversation's `⋯` button: the same before its menu is built and as the menu's target. */
export function ActionsButton({ title, ...props }: ActionsButtonProps) {
  return (
    <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Actions for ${title}`} {...props}>
      ⋯
    </ActionIcon>
  );
}
