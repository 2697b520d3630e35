import { Stack, Switch } from '@mantine/core';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';
import { ConversationList } from './ConversationList';
import { HistoryNote } from './HistoryNote';
import { SearchResults } from './SearchResults';

/** The sidebar below its search box: the Temporary chat switch, then the list or the search results. */
export default function SidebarBody({
  query,
  submitted,
  onOpened,
}: {
  query: string;
  /** Counts Enter presses in the search box: each opens the first result. */
  submitted: number;
  onOpened: () => void;
}) {
  const { open, history, workspace } = useAppState();
  const temporary = useStore(open, (value) => value.temporary);
  const available = useStore(history, (value) => value !== 'unavailable');
  if (workspace === null) return null;
  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
      <Switch
        label="Temporary chat"
        checked={temporary}
        onChange={(event) => workspace.newChat({ temporary: event.currentTarget.checked })}
        description={temporary ? 'This chat is not saved to history.' : undefined}
      />
      {!available && <HistoryNote />}
      {query.trim() !== '' ? (
        <SearchResults query={query} submitted={submitted} onOpened={onOpened} />
      ) : (
        available && <ConversationList />
      )}
    </Stack>
  );
}
