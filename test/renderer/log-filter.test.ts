import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/domain/log-entry';
import { eventTypes, matchesFilter, mergeEntries, noFilter } from '../../src/renderer/logs/log-filter';

const entry = (patch: Partial<LogEntry>): LogEntry => ({
  ts: '2026-11-25T10:00:00.000Z',
  role: 'user',
  content: 'Hello',
  ...patch,
});

describe('log drawer filters', () => {
  it('merges recent and live entries without showing an entry twice', () => {
    const a = entry({ ts: '2026-11-25T10:00:00.000Z' });
    const b = entry({ ts: '2026-11-25T10:00:01.000Z', role: 'assistant', content: 'Hi!' });
    const c = entry({ ts: '2026-11-25T10:00:02.000Z', role: 'system', eventType: 'config_reloaded' });
    expect(mergeEntries([a, b], [b, c])).toEqual([a, b, c]);
    expect(mergeEntries([a, b], [c], 2)).toEqual([b, c]);
  });

  it('filters by role, event type and search text (content, ids and details)', () => {
    const chat = entry({
      role: 'assistant',
      content: 'The answer',
      providerId: 'ollama_local',
      modelId: 'llama3.2',
    });
    const failure = entry({
      role: 'error',
      content: 'settings.yaml is invalid',
      eventType: 'config_error',
      details: { line: 7 },
    });
    expect(matchesFilter(chat, { ...noFilter, roles: ['assistant'] })).toBe(true);
    expect(matchesFilter(failure, { ...noFilter, roles: ['assistant'] })).toBe(false);
    expect(matchesFilter(failure, { ...noFilter, eventType: 'config_error' })).toBe(true);
    expect(matchesFilter(chat, { ...noFilter, eventType: 'chat' })).toBe(true);
    expect(matchesFilter(chat, { ...noFilter, search: 'LLAMA3' })).toBe(true);
    expect(matchesFilter(failure, { ...noFilter, search: '"line":7' })).toBe(true);
    expect(matchesFilter(chat, { ...noFilter, search: 'nothing like it' })).toBe(false);
    expect(eventTypes([chat, failure])).toEqual(['chat', 'config_error']);
  });
});
