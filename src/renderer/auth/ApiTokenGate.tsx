import { lazy, type ReactNode, Suspense } from 'react';
import { useStore } from '../state/store';
import { tokenProblem } from './api-token';

// Shown only to a page without a valid token: not part of the app's first load.
const TokenNeeded = lazy(() => import('./TokenNeeded'));

/** Shows `children` until the server refuses the page's token, then only the explanation. */
export function ApiTokenGate({ children }: { children: ReactNode }) {
  const problem = useStore(tokenProblem, (value) => value);
  if (problem === null) return children;
  return (
    <Suspense fallback={null}>
      <TokenNeeded problem={problem} origin={window.location.origin} />
    </Suspense>
  );
}
