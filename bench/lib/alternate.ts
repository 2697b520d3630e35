/** One way of doing the measured thing: returns its sample (e.g. ms to first token). */
export type Way = (index: number, measured: boolean) => Promise<number>;

export interface AlternateOptions {
  /** Rounds of every way before the measured ones, not kept (connections, JIT, caches). */
  warmup: number;
  /** Measured rounds: each runs every way once. */
  rounds: number;
  log?: (message: string) => void;
  label?: string;
}

/**
 * Latency samples of a subject and its reference, taken in turn within every round so that both meet
 * the same moment of a loaded machine; the order rotates each round, so neither always goes first
 * (after an idle gap) or second (on a connection just used). The warm-up rounds run the same calls
 * and are dropped. Returns the samples per way, in round order.
 */
export async function alternate<K extends string>(
  ways: Record<K, Way>,
  { warmup, rounds, log, label = 'rounds' }: AlternateOptions,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(ways) as K[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let round = -warmup; round < rounds; round++) {
    const measured = round >= 0;
    const shift = ((round % keys.length) + keys.length) % keys.length;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + shift) % keys.length]!;
      const index = round + warmup;
      const sample = await ways[key](index, measured);
      if (measured) samples[key].push(sample);
    }
    if (log && measured && (round + 1) % 250 === 0) log(`${label}: ${round + 1}/${rounds}`);
  }
  return samples;
}
