import type { ChatStats, Usage } from '../../domain/chat';

const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** "TTFT 120 ms · 45.2 tokens/s · 321 tokens · 7.1 s": what the `done` event measured. */
export function formatStats(stats: ChatStats, usage: Usage | null): string {
  const parts: string[] = [];
  if (stats.ttftMs !== null) parts.push(`TTFT ${formatMs(stats.ttftMs)}`);
  parts.push(`${stats.tokensPerS.toFixed(1)} tokens/s`);
  if (usage) parts.push(`${usage.completionTokens} tokens`);
  parts.push(formatMs(stats.durationMs));
  return parts.join(' · ');
}

/** Why an answer ended other than normally, in words. */
export function finishNote(finishReason: string | null): string | null {
  if (finishReason === null || finishReason === 'stop') return null;
  if (finishReason === 'stopped') return 'stopped';
  if (finishReason === 'length') return 'cut off at the length limit';
  // Gemini's safety, recitation and prohibited-content blocks, Anthropic's refusals.
  if (finishReason === 'content_filter') return "blocked by the provider's content filter";
  return finishReason;
}
