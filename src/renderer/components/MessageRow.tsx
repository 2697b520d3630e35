import { memo } from 'react';
import { useAppState } from '../state/app-state';
import { sameApartFromText } from '../state/conversation';
import { useStore } from '../state/store';
import { AnswerView } from './AnswerView';
import { UserMessageView } from './UserMessageView';

/**
 * One row, subscribed to its own message only: a streaming answer re-renders nothing else. Streamed
 * text alone does not re-render the row either: the answer's text has its own subscription.
 */
export const MessageRow = memo(function MessageRow({ id }: { id: string }) {
  const { conversation } = useAppState();
  const message = useStore(conversation, (state) => state.byId[id], sameApartFromText);
  if (message === undefined) return null;
  return message.role === 'user' ? <UserMessageView message={message} /> : <AnswerView message={message} />;
});
