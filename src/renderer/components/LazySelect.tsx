import { Box, type SelectProps } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { afterFirstPaint } from './after-first-paint';

// Mantine's Select brings its dropdown machinery (Combobox, Popover, floating-ui): about a tenth of
// the page's first JavaScript, for a list nobody opens before the page has painted. Loaded right after.
const Select = lazy(() => afterFirstPaint().then(() => import('./select-module')));

/** Mantine's `Select`, loaded after the first paint; until then an empty box of its size. */
export function LazySelect(props: SelectProps<string>) {
  return (
    <Suspense fallback={<Box w={props.w} h={48} style={props.style} aria-hidden />}>
      <Select {...props} />
    </Suspense>
  );
}
