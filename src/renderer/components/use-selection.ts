import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';
import { useTRPC } from '../transport/trpc';
import { effectiveModelId, effectiveProviderId } from './selection';

/**
 * The providers, the chosen provider's models, and the provider/model in use. The choice store always
 * holds the ids in use, so a request is sent with exactly what the header shows.
 */
export function useSelection() {
  const trpc = useTRPC();
  const { choice } = useAppState();
  const chosenProvider = useStore(choice, (value) => value.providerId);
  const chosenModel = useStore(choice, (value) => value.modelId);

  const providers = useQuery(trpc.providers.list.queryOptions(undefined, { refetchInterval: 30_000 }));
  const providerId = effectiveProviderId(providers.data ?? [], chosenProvider);
  const provider = providers.data?.find((entry) => entry.id === providerId);

  const models = useQuery(
    trpc.models.list.queryOptions(
      { providerId: providerId ?? '' },
      { enabled: providerId !== null, retry: false },
    ),
  );
  const modelId = models.data ? effectiveModelId(models.data, provider, chosenModel) : chosenModel;

  useEffect(() => {
    if (!providers.data) return;
    const current = choice.get();
    if (current.providerId !== providerId) choice.set({ ...current, providerId, modelId: null });
  }, [providers.data, providerId, choice]);
  useEffect(() => {
    if (!models.data) return;
    const current = choice.get();
    if (current.modelId !== modelId) choice.set({ ...current, modelId });
  }, [models.data, modelId, choice]);

  return { providers, provider, providerId, models, modelId };
}
