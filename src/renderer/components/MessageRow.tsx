import { memo } from 'react';
import { useAppState } from '../state/app-state';
import { isInFlight, sameApartFromText } from '../state/conversation';
import { useStore } from '../state/store';
import { AnswerView } from './AnswerView';
import { UserMessageView } from './UserMessageView';
import './transcript.css';

/**
 * One row, subscribed to its own message only: a streaming answer re-renders nothing else. Streamed
 * text alone does not re-render the row either: the answer's text has its own subscription. A
 * finished row sits in a box the browser may skip while it is off screen (transcript.css).
 */
export const MessageRow = memo(function MessageRow({ id }: { id: string }) {
  const { conversation } = useAppState();
  const message = useStore(conversation, (state) => state.byId[id], sameApartFromText);
  if (message === undefined) return null;
  return (
    <div className={isInFlight(message) ? undefined : 'lc-finished-message'}>
      {message.role === 'user' ? <UserMessageView message={message} /> : <AnswerView message={message} />}
    </div>
  );
});
