import type { UseQueryResult } from '@tanstack/react-query';
import type { ModelInfo, ProviderInfo } from '../../domain/provider';
import { toUiError } from '../errors/error-message';
import { ErrorNotice } from './ErrorNotice';
import { noModelsHint } from './selection';

/** Why the chosen provider cannot answer right now, with what to do — above the conversation. */
export function ProviderProblem({
  provider,
  models,
}: {
  provider: ProviderInfo | undefined;
  models: UseQueryResult<ModelInfo[], unknown>;
}) {
  if (provider === undefined) return null;
  if (models.isError) {
    return <ErrorNotice error={toUiError(models.error)} onRetry={() => void models.refetch()} />;
  }
  if (models.data?.length === 0) {
    return (
      <ErrorNotice
        error={{ code: 'MODEL_NOT_FOUND', message: noModelsHint(provider), details: {} }}
        onRetry={() => void models.refetch()}
      />
    );
  }
  return null;
}
