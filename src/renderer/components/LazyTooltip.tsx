import type { TooltipProps } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { afterFirstPaint } from './after-first-paint';

// Mantine's Tooltip brings floating-ui (positioning) with it: code the first paint does not need.
const Tooltip = lazy(() => afterFirstPaint().then(() => import('./tooltip-module')));

/** Mantine's `Tooltip`, loaded after the first paint; until then its target alone. */
export function LazyTooltip(props: TooltipProps) {
  return (
    <Suspense fallback={props.children}>
      <Tooltip {...props} />
    </Suspense>
  );
}
