import type { Fakes } from '../fakes/fakes.js';
import type { BenchRow } from './rows.js';

/** What every row gets from the runner. */
export interface BenchContext {
  /** `--quick`: fewer repetitions and smaller sizes; rows say what they reduced. */
  quick: boolean;
  fakes: Fakes;
  /** Where profiles (`--cpu-prof`, traces) of this run go. */
  resultsDir: string;
  /** `--profile`: rows that can, also record a CPU profile of the server. */
  profile: boolean;
  /**
   * Row 7d's scenario, changed to find where a tab's input waits (the row is then marked reduced):
   * how many tabs, whether the log drawer opens, whether each tab gets a browser context of its own.
   */
  tabs: { count?: number; drawer?: boolean; contextPerTab?: boolean };
  log(message: string): void;
}

/** A group of rows measured together (they share servers and warm-up). */
export interface BenchSection {
  /** Row ids it produces, for `--only` and for error rows. */
  ids: { id: string; name: string }[];
  /** Short name used by `--only`. */
  key: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}
