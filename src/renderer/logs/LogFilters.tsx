import { Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { memo } from 'react';
import type { LogRole } from '../../domain/log-entry';
import type { LogFilter } from './log-filter';

const ROLES: LogRole[] = ['user', 'assistant', 'system', 'error'];

/**
 * Mantine keeps a select's option list mounted (hidden) by default, and positions it whenever the
 * select renders: a forced style recalculation and layout of the whole page, ~100 ms on the drawer's
 * opening while answers stream. The lists here mount when opened.
 */
const LIST_WHEN_OPENED = { keepMounted: false };

/** The drawer's search box, role and event type filters. */
export const LogFilters = memo(function LogFilters({
  filter,
  types,
  onChange,
}: {
  filter: LogFilter;
  /** The event types present, for the choices. */
  types: string[];
  onChange: (filter: LogFilter) => void;
}) {
  return (
    <Group gap="xs" grow>
      <TextInput
        aria-label="Search logs"
        placeholder="Search"
        value={filter.search}
        onChange={(event) => onChange({ ...filter, search: event.currentTarget.value })}
      />
      <MultiSelect
        aria-label="Roles"
        placeholder={filter.roles.length ? undefined : 'All roles'}
        data={ROLES}
        value={filter.roles}
        onChange={(roles) => onChange({ ...filter, roles: roles as LogRole[] })}
        comboboxProps={LIST_WHEN_OPENED}
      />
      <Select
        aria-label="Event type"
        placeholder="All events"
        data={types}
        value={filter.eventType}
        onChange={(eventType) => onChange({ ...filter, eventType })}
        clearable
        comboboxProps={LIST_WHEN_OPENED}
      />
    </Group>
  );
});
