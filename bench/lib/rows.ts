/** A goal a figure is judged against: `value op limit`. Goals are fixed by the issues, never tuned. */
export interface Goal {
  op: '>=' | '<=';
  limit: number;
  unit?: string;
}

export type RowStatus = 'PASS' | 'FAIL' | 'ERROR';

/** One line of the bench table. */
export interface BenchRow {
  id: string;
  name: string;
  /** What was measured, formatted for the table. */
  figure: string;
  /** The reference measured beside it in the same run. */
  reference: string;
  /** Figure ÷ reference (or the judged quantity), formatted. */
  ratio: string;
  /** The goal in words, e.g. `≥ 0.6 (aim 0.8)`. */
  goal: string;
  status: RowStatus;
  /** Set when the row ran at reduced size (`--quick`): what was reduced. */
  reduced?: string;
  /** Why it failed or errored, or a remark worth keeping next to the figure. */
  note?: string;
  /** Raw numbers, for `latest.json`. */
  data: Record<string, unknown>;
}

export function meets(value: number, goal: Goal): boolean {
  if (!Number.isFinite(value)) return false;
  return goal.op === '>=' ? value >= goal.limit : value <= goal.limit;
}

export function describeGoal(goal: Goal, aim?: number): string {
  const sign = goal.op === '>=' ? '≥' : '≤';
  const unit = goal.unit ? ` ${goal.unit}` : '';
  return `${sign} ${goal.limit}${unit}${aim === undefined ? '' : ` (aim ${aim}${unit})`}`;
}

/** The status of a row judged on several goals at once: PASS only when every check holds. */
export function statusOf(checks: readonly boolean[]): RowStatus {
  return checks.every(Boolean) ? 'PASS' : 'FAIL';
}

export function errorRow(id: string, name: string, error: unknown): BenchRow {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id,
    name,
    figure: '—',
    reference: '—',
    ratio: '—',
    goal: '—',
    status: 'ERROR',
    note: message.split('\n')[0]!.slice(0, 300),
    data: { error: error instanceof Error ? (error.stack ?? message) : message },
  };
}

/** Rounds for display: 3 significant digits, no exponent for the sizes a bench meets. */
export function fmt(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === '' ? text : `${text} ${unit}`;
}
