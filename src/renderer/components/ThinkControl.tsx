import { Group, NativeSelect, Switch } from '@mantine/core';
import { THINK_LEVELS, type ThinkLevel } from '../../domain/think';
import { useAppState } from '../state/app-state';
import { levelOf, thinkSupport } from '../state/model-in-use';
import { useStore } from '../state/store';

const LEVEL_NAMES: Record<ThinkLevel, string> = { low: 'Low', medium: 'Medium', high: 'High' };

/**
 * The `Think` switch (CONTRACT section 12), for models that think: on by default, remembered with
 * the conversation; a level where the model takes one (OpenAI, Anthropic, Gemini, gpt-oss).
 */
export function ThinkControl() {
  const { choice, modelInUse } = useAppState();
  const support = useStore(modelInUse, thinkSupport);
  const think = useStore(choice, (value) => value.think);
  if (support === 'none') return null;
  const on = think !== false;
  const set = (next: typeof think) => choice.set({ ...choice.get(), think: next });
  return (
    <Group gap="xs" wrap="nowrap">
      <Switch
        size="xs"
        label="Think"
        checked={on}
        onChange={(event) =>
          set(event.currentTarget.checked ? (support === 'levels' ? levelOf(think) : true) : false)
        }
      />
      {support === 'levels' && on && (
        <NativeSelect
          size="xs"
          aria-label="Thinking level"
          value={levelOf(think)}
          data={THINK_LEVELS.map((level) => ({ value: level, label: LEVEL_NAMES[level] }))}
          onChange={(event) => set(event.currentTarget.value as ThinkLevel)}
        />
      )}
    </Group>
  );
}
