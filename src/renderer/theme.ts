import { createTheme } from '@mantine/core';

/** LightChat's look, in one place: colours, fonts, radius and component defaults. */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  components: {
    ActionIcon: { defaultProps: { variant: 'subtle' } },
  },
});

/** Code highlighting themes (light, dark), matched to Mantine's colour scheme by CSS variables. */
export const CODE_THEMES = ['github-light', 'github-dark'] as const;
