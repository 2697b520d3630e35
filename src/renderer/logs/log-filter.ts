import type { LogEntry, LogRole } from '../../domain/log-entry';

export interface LogFilter {
  roles: LogRole[];
  eventType: string | null;
  search: string;
}

export const noFilter: LogFilter = { roles: [], eventType: null, search: '' };

/** An entry's identity across `logs.recent` and `logs.tail` (the two may overlap); the list's row key. */
export const entryKey = (entry: LogEntry): string =>
  `${entry.ts}|${entry.role}|${entry.eventType ?? ''}|${entry.content.length}|${entry.content.slice(0, 40)}`;

/** Recent entries then live ones, without duplicates, oldest first, at most `max` (the newest). */
export function mergeEntries(recent: readonly LogEntry[], live: readonly LogEntry[], max = 1000): LogEntry[] {
  const seen = new Set<string>();
  const merged: LogEntry[] = [];
  for (const entry of [...recent, ...live]) {
    const key = entryKey(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(entry);
  }
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.roles.length > 0 && !filter.roles.includes(entry.role)) return false;
  if (filter.eventType !== null && (entry.eventType ?? 'chat') !== filter.eventType) return false;
  const search = filter.search.trim().toLowerCase();
  if (search === '') return true;
  const haystack = [
    entry.content,
    entry.providerId,
    entry.modelId,
    entry.eventType,
    JSON.stringify(entry.details ?? {}),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return haystack.includes(search);
}

/** The event types present, for the filter's choices ("chat" for entries without one). */
export const eventTypes = (entries: readonly LogEntry[]): string[] =>
  [...new Set(entries.map((entry) => entry.eventType ?? 'chat'))].sort();

/**
 * One formatter for every row: `toLocaleTimeString` with options builds a new one per call, which
 * made the time column most of a drawer render (~200 ms for its rows while answers streamed).
 */
let timeOfDay: Intl.DateTimeFormat | undefined;

/** "14:03:07": local time of day, enough to follow a session. */
export function formatTime(ts: string): string {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return ts;
  timeOfDay ??= new Intl.DateTimeFormat([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  return timeOfDay.format(date);
}
