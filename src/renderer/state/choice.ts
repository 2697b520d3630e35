/** The provider, model and session system prompt the next message is sent with. */
export interface Choice {
  providerId: string | null;
  modelId: string | null;
  /** The session's system prompt (seed 3.1): kept for this window only, never written to settings. */
  systemPrompt: string;
}

export const emptyChoice: Choice = { providerId: null, modelId: null, systemPrompt: '' };

export function isChoice(value: unknown): value is Choice {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const idOrNull = (field: unknown) => field === null || typeof field === 'string';
  return idOrNull(record.providerId) && idOrNull(record.modelId) && typeof record.systemPrompt === 'string';
}
