import { createTheme } from '@mantine/core';

/** LightChat's look, in one place: colours, fonts, radius and component defaults. */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  // Collapses, menus and dialogs appear without motion for those who asked the system for less.
  respectReducedMotion: true,
  // A ring on keyboard focus (:focus-visible), none on a mouse click.
  focusRing: 'auto',
  components: {
    ActionIcon: { defaultProps: { variant: 'subtle' } },
    // A button keeps its whole label: a row that is too narrow wraps or folds, it never clips ("Retr").
    Button: { styles: { root: { flexShrink: 0 } } },
  },
});

/** Code highlighting themes (light, dark), matched to Mantine's colour scheme by CSS variables. */
export const CODE_THEMES = ['github-light', 'github-dark'] as const;
