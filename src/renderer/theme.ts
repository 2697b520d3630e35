import { type CSSVariablesResolver, createTheme, DEFAULT_THEME } from '@mantine/core';

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
    // Their × buttons have no text: screen readers need a name.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    // Their title bar would be a <header>, which axe counted as a second page banner: a plain box, so
    // the app's own header stays the one banner (the dialog is named by its title all the same).
    ModalHeader: { defaultProps: { component: 'div' } },
    DrawerHeader: { defaultProps: { component: 'div' } },
  },
});

/**
 * Text colours that meet WCAG 2.2 AA (4.5:1) on LightChat's backgrounds; Mantine's defaults do not:
 * dimmed text (gray 6 on white is 3.3:1, dark 2 on dark 7 is 4.1:1) and the text of `light` badges,
 * buttons and alerts in the light scheme (shade 6 on its own tint, down to 2.5:1 for teal). Darkened
 * shade 9 reaches 4.6:1 even for yellow.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c636a',
    ...Object.fromEntries(
      Object.keys(DEFAULT_THEME.colors).map((color) => [
        `--mantine-color-${color}-light-color`,
        `color-mix(in srgb, var(--mantine-color-${color}-9) 70%, black)`,
      ]),
    ),
  },
  dark: {
    '--mantine-color-dimmed': '#a3a3a3',
  },
});

/**
 * Code highlighting themes (light, dark), matched to Mantine's colour scheme by CSS variables: GitHub's
 * "default" pair, whose token colours keep 4.5:1 on the code block's background (the older
 * github-light/-dark have comments and parameters below it).
 */
export const CODE_THEMES = ['github-light-default', 'github-dark-default'] as const;
