import type { ProviderType } from './provider-types.js';

/**
 * Thinking control (CONTRACT section 12), with no zod: the renderer imports this. `true` is
 * "medium"; `false` asks a model that thinks by default (Ollama's thinking models) to stop.
 */
export const THINK_LEVELS = ['low', 'medium', 'high'] as const;
export type ThinkLevel = (typeof THINK_LEVELS)[number];
export type Think = boolean | ThinkLevel;

export const isThink = (value: unknown): value is Think =>
  typeof value === 'boolean' || THINK_LEVELS.includes(value as ThinkLevel);

/** gpt-oss on Ollama takes levels only (it ignores `true`/`false`). */
export const takesOnlyLevels = (model: string): boolean => /(^|\/)gpt-oss/i.test(model);

/**
 * Whether the model takes a level rather than on/off: OpenAI's `reasoning_effort` and the thinking
 * budgets of Anthropic and Gemini do; Ollama's `think` is a boolean except for gpt-oss.
 */
export const thinkTakesLevels = (providerType: ProviderType, model: string): boolean =>
  providerType !== 'ollama' || takesOnlyLevels(model);
