// Mantine's Tooltip as the default export `lazy()` needs (see LazyTooltip).
export { Tooltip as default } from '@mantine/core';
