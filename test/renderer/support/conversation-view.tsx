import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import { ConversationView } from '../../../src/renderer/components/ConversationView';
import { type AppState, AppStateProvider } from '../../../src/renderer/state/app-state';

/** The conversation view as the page shows it, over this app state. */
export function renderConversationView(state: AppState) {
  return render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <ConversationView />
      </AppStateProvider>
    </MantineProvider>,
  );
}
