import { ActionIcon, type MantineColorScheme, useMantineColorScheme } from '@mantine/core';

const NEXT: Record<MantineColorScheme, MantineColorScheme> = { auto: 'light', light: 'dark', dark: 'auto' };
const WORDS: Record<MantineColorScheme, string> = {
  auto: 'follows the system',
  light: 'light',
  dark: 'dark',
};
const ICONS: Record<MantineColorScheme, string> = { auto: '◐', light: '☀', dark: '☾' };

/**
 * Light, dark, or follow the system (the default), in turn; remembered by Mantine in local storage.
 * A plain button rather than a menu: Mantine's Menu would add ~6 KB to the first paint.
 */
export function ColorSchemeToggle() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const next = NEXT[colorScheme];
  return (
    <ActionIcon
      aria-label={`Color scheme: ${WORDS[colorScheme]}`}
      title={`Color scheme: ${WORDS[colorScheme]}. Click for ${WORDS[next]}.`}
      size="lg"
      variant="default"
      onClick={() => setColorScheme(next)}
    >
      <span aria-hidden>{ICONS[colorScheme]}</span>
    </ActionIcon>
  );
}
