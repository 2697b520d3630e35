import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import type { ConfigError } from '../../domain/config-error';
import { useTRPC } from '../transport/trpc';

/**
 * Follows settings.yaml live: every reload (from the app or a hand edit) refreshes the settings, the
 * providers and their models; the file's load error is returned until the file is fixed.
 */
export function useConfigChanges(): { configError: ConfigError | null; configPath: string | null } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const health = useQuery(trpc.health.queryOptions());
  const [liveError, setLiveError] = useState<ConfigError | null | undefined>(undefined);

  useSubscription(
    trpc.config.changes.subscriptionOptions(undefined, {
      onData: (change) => {
        queryClient.setQueryData(trpc.config.get.queryKey(), change.config);
        setLiveError(change.error);
        void queryClient.invalidateQueries(trpc.providers.list.pathFilter());
        void queryClient.invalidateQueries(trpc.models.list.pathFilter());
        void queryClient.invalidateQueries(trpc.health.pathFilter());
      },
    }),
  );

  const configError = liveError === undefined ? (health.data?.config.error ?? null) : liveError;
  return { configError, configPath: health.data?.config.path ?? null };
}
