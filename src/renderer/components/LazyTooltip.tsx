import type { TooltipProps } from '@mantine/core';
import { lazy, Suspense } from 'react';

// Mantine's Tooltip brings floating-ui (positioning) with it: code the first paint does not need.
const Tooltip = lazy(() => import('./tooltip-module'));

/** Mantine's `Tooltip`, loaded after the first paint; until then its target alone. */
export function LazyTooltip(props: TooltipProps) {
  return (
    <Suspense fallback={props.children}>
      <Tooltip {...props} />
    </Suspense>
  );
}
