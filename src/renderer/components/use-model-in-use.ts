import { useEffect } from 'react';
import { useAppState } from '../state/app-state';
import type { useSelection } from './use-selection';

/**
 * Keeps the app state's `modelInUse` (what the Think switch and the context meter read) in step
 * with the header's selection, so the composer needs no model queries of its own.
 */
export function useModelInUse(
  selection: ReturnType<typeof useSelection>,
  providerPrompt: string | null,
): void {
  const { modelInUse } = useAppState();
  const { provider, modelId } = selection;
  const model = selection.models.data?.find((entry) => entry.id === modelId);
  useEffect(() => {
    modelInUse.set(provider && model ? { providerType: provider.type, model, providerPrompt } : null);
  }, [modelInUse, provider, model, providerPrompt]);
}
