import '../mantine-later.css';
import { Alert, Drawer, Group, Stack, Switch, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { LogEntry } from '../../domain/log-entry';
import { errorText, toUiError } from '../errors/error-message';
import { frameBatch } from '../state/frame-batch';
import { useTRPC } from '../transport/trpc';
import { LogFilters } from './LogFilters';
import { LogList } from './LogList';
import { eventTypes, type LogFilter, matchesFilter, mergeEntries, noFilter } from './log-filter';
import { readLoggingState, setLoggingEnabled } from './logging-switch';

const RECENT_LIMIT = 200;

/** The `Logs` drawer: the newest entries, then live ones as they are written; filters and search. */
export default function LogDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const recent = useQuery({
    ...trpc.logs.recent.queryOptions({ limit: RECENT_LIMIT }),
    enabled: opened,
    staleTime: 0,
  });
  const [live, setLive] = useState<LogEntry[]>([]);
  const [filter, setFilter] = useState<LogFilter>(noFilter);
  const [follow, setFollow] = useState(true);
  const logging = useQuery({ queryKey: ['logging-state'], queryFn: readLoggingState, enabled: opened });
  const [switchError, setSwitchError] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);

  // Lines that come together (every tab's chats end at once) render once per frame, not once each.
  const [tail] = useState(() =>
    frameBatch<LogEntry>((added) => setLive((entries) => [...entries, ...added].slice(-1000))),
  );
  useSubscription(
    trpc.logs.tail.subscriptionOptions(undefined, {
      enabled: opened,
      onData: (entry) => tail.push(entry),
    }),
  );

  useEffect(() => {
    if (opened) setLive([]);
  }, [opened]);

  const entries = useMemo(() => mergeEntries(recent.data ?? [], live), [recent.data, live]);
  // The search box answers each key at once; the list (long answers among its entries) follows when it can.
  const shownFilter = useDeferredValue(filter);
  const shown = useMemo(
    () => entries.filter((entry) => matchesFilter(entry, shownFilter)),
    [entries, shownFilter],
  );
  const types = useMemo(() => eventTypes(entries), [entries]);

  // Follow new entries to the bottom, like `tail -f`.
  useEffect(() => {
    if (follow && list.current && shown.length > 0) list.current.scrollTop = list.current.scrollHeight;
  }, [follow, shown]);

  const toggleLogging = async (enabled: boolean) => {
    setSwitchError(null);
    try {
      const state = await setLoggingEnabled(enabled);
      queryClient.setQueryData(['logging-state'], state);
    } catch (error) {
      setSwitchError(errorText(toUiError(error)));
    }
  };

  return (
    <Drawer opened={opened} onClose={onClose} title="Logs" position="right" size="lg">
      <Stack gap="xs" h="calc(100dvh - 90px)">
        {logging.data ? (
          <Switch
            label="Write chat logs for this run"
            description={
              logging.data.enabled
                ? `Writing to ${logging.data.dir}`
                : 'Logging is off for this run: nothing new is written to disk.'
            }
            checked={logging.data.enabled}
            onChange={(event) => void toggleLogging(event.currentTarget.checked)}
          />
        ) : (
          logging.error && <Alert color="red">{errorText(toUiError(logging.error))}</Alert>
        )}
        {logging.data && !logging.data.enabled && (
          <Alert color="yellow" variant="light" py={6}>
            Logging is off: new chats are not written to disk. Entries already written still show below.
          </Alert>
        )}
        {logging.data?.writeError && (
          <Alert color="red" variant="light" py={6}>
            The log cannot be written: {logging.data.writeError}
          </Alert>
        )}
        {switchError && <Alert color="red">{switchError}</Alert>}
        <LogFilters filter={filter} types={types} onChange={setFilter} />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {shown.length} of {entries.length} entries
          </Text>
          <Switch
            size="xs"
            label="Follow"
            checked={follow}
            onChange={(event) => setFollow(event.currentTarget.checked)}
          />
        </Group>
        {recent.error && <Alert color="red">{errorText(toUiError(recent.error))}</Alert>}
        <LogList ref={list} entries={shown}>
          {recent.isFetched && entries.length === 0 && (
            <Text size="sm" c="dimmed" p="md">
              No log entries yet.
            </Text>
          )}
        </LogList>
      </Stack>
    </Drawer>
  );
}
