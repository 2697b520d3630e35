import { Button } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useAppState } from '../state/app-state';
import { isStoredId, isStreaming } from '../state/chat-turns';
import { useStore } from '../state/store';

const ConfirmDialog = lazy(() =>
  import('../history/ConfirmDialog').then((module) => ({ default: module.ConfirmDialog })),
);

/** Deletes a stored message and everything after it on its branch (a pasted secret), after asking. */
export function DeleteMessage({ id }: { id: string }) {
  const { workspace, conversation, open } = useAppState();
  const busy = useStore(conversation, isStreaming);
  const [asking, setAsking] = useState(false);
  const stored = useStore(open, (value) => value.id !== null);
  if (workspace === null || !stored || !isStoredId(id)) return null;
  return (
    <>
      <Button size="compact-xs" variant="subtle" color="gray" disabled={busy} onClick={() => setAsking(true)}>
        Delete
      </Button>
      {asking && (
        <Suspense fallback={null}>
          <ConfirmDialog
            opened
            title="Delete this message?"
            action="Delete"
            onCancel={() => setAsking(false)}
            onConfirm={() => {
              setAsking(false);
              void workspace.deleteMessage(id);
            }}
          >
            This message and everything after it in this version of the conversation will be deleted. This
            cannot be undone.
          </ConfirmDialog>
        </Suspense>
      )}
    </>
  );
}
