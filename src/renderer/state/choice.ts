import { isThink, type Think } from '../../domain/think';

/** The provider, model, session system prompt and Think switch the next message is sent with. */
export interface Choice {
  providerId: string | null;
  modelId: string | null;
  /** The session's system prompt (seed 3.1): kept for this window only, never written to settings. */
  systemPrompt: string;
  /** The conversation's `Think` switch (CONTRACT section 12); null: never set, the model's default (on). */
  think: Think | null;
  /**
   * The conversation's Tools switch (CONTRACT section 11): on sends `tools: "auto"`, off `"none"`.
   * Absent (a choice saved before the switch existed): on.
   */
  tools?: boolean;
}

export const emptyChoice: Choice = { providerId: null, modelId: null, systemPrompt: '', think: null };

/** A choice as saved; one saved before the Think switch existed reads as never set. */
export function isChoice(value: unknown): value is Choice {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const idOrNull = (field: unknown) => field === null || typeof field === 'string';
  return (
    idOrNull(record.providerId) &&
    idOrNull(record.modelId) &&
    typeof record.systemPrompt === 'string' &&
    (record.think === undefined || record.think === null || isThink(record.think)) &&
    (record.tools === undefined || typeof record.tools === 'boolean')
  );
}
