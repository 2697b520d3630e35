import type { BenchRow } from './rows.js';

const HEADER = ['#', 'measure', 'figure', 'reference', 'ratio', 'goal', 'result'];

/** Escapes what would break a Markdown table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The rows as a GitHub-flavoured Markdown table; reduced rows are marked in the result column. */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = rows.map((row) => [
    row.id,
    row.name,
    row.figure,
    row.reference,
    row.ratio,
    row.goal,
    row.reduced ? `${row.status} (reduced: ${row.reduced})` : row.status,
  ]);
  const all = [HEADER, ...lines].map((line) => line.map(cell));
  const widths = HEADER.map((_, column) => Math.max(3, ...all.map((line) => line[column]!.length)));
  const render = (line: string[]) =>
    `| ${line.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [
    render(all[0]!),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...all.slice(1).map(render),
  ].join('\n');
}

/** The notes under the table: one line per row that has one. */
export function formatNotes(rows: readonly BenchRow[]): string {
  return rows
    .filter((row) => row.note)
    .map((row) => `- ${row.id} ${row.name}: ${row.note}`)
    .join('\n');
}
