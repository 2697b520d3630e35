import type { ComponentPropsWithRef } from 'react';

type ActionsButtonProps = ComponentPropsWithRef<'button'> & { title: string };

/**
 * A conversation's `⋯` button: the same before its menu is built and as the menu's target (which
 * passes it a ref and its aria props). A plain button with the look of a subtle gray ActionIcon: every
 * row of the list has one.
 */
export function ActionsButton({ title, className, ...props }: ActionsButtonProps) {
  return (
    <button
      type="button"
      className={`lc-conversation-actions mantine-focus-auto mantine-active${className ? ` ${className}` : ''}`}
      aria-label={`Actions for ${title}`}
      {...props}
    >
      ⋯
    </button>
  );
}
