import type { ToStringOptions } from 'yaml';

/**
 * The `yaml` printer normalises what its Document does not keep: the spaces before a line comment, the
 * indentation, line endings. These helpers carry the original file's layout over to the printed one.
 */

/** The indentation the file already uses, so an edit does not re-indent the whole file. */
export function detectIndent(text: string): Pick<ToStringOptions, 'indent' | 'indentSeq'> {
  const lines = text.split(/\r?\n/);
  const content = lines.filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const indents = content.map((line) => line.length - line.trimStart().length).filter((n) => n > 0);
  const indent = indents.length ? Math.min(8, ...indents) : 2;
  let indentSeq = true;
  for (const [index, line] of content.entries()) {
    const previous = content[index - 1];
    if (!/^\s*- /.test(line) || previous === undefined || !/:\s*(#.*)?$/.test(previous)) continue;
    const width = (value: string) => value.length - value.trimStart().length;
    indentSeq = width(line) > width(previous);
    break;
  }
  return { indent, indentSeq };
}

/**
 * Carries the original layout over to the printed text: a line that only differs by the spaces before its
 * comment is put back as it was; a changed value keeps its comment at the original column; a comment the
 * printer moved off its `key:` line goes back onto it; line endings and the final newline are kept.
 */
export function restoreLayout(original: string, printed: string): string {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const same = new Map<string, string>();
  const columns = new Map<string, number>();
  for (const line of original.split(/\r?\n/)) {
    const key = layoutKey(line);
    if (!same.has(key)) same.set(key, line);
    const comment = splitComment(line);
    if (comment && !columns.has(comment.id)) columns.set(comment.id, comment.column);
  }
  const lines = printed.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const restored: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const next = lines[index + 1];
    const joined =
      next !== undefined && /:$/.test(line) && /^\s*#/.test(next)
        ? same.get(layoutKey(`${line} ${next.trim()}`))
        : undefined;
    if (joined !== undefined) {
      restored.push(joined);
      index++;
      continue;
    }
    restored.push(same.get(layoutKey(line)) ?? realign(line, columns));
  }
  const endsWithNewline = original === '' || original.endsWith('\n');
  return restored.join(eol) + (endsWithNewline ? eol : '');
}

/** A line's meaning without its layout: comment spacing and the padding inside `[ a, b ]` / `{ a: 1 }`. */
const layoutKey = (line: string): string =>
  line
    .replace(/[ \t]+#/, ' #')
    .replace(/([[{]) +/g, '$1')
    .replace(/ +([\]}])/g, '$1')
    .trimEnd();

/** `  - id: work   # note` → the key part and the comment, and the column where the comment starts. */
function splitComment(
  line: string,
): { id: string; column: number; content: string; comment: string } | undefined {
  const match = /^(\s*(?:-\s+)?[^\s#][^:#]*:)(.*?)[ \t]+(#.*)$/.exec(line);
  if (!match) return undefined;
  const [, key = '', value = '', comment = ''] = match;
  return {
    id: `${key}\u0000${comment}`,
    column: line.length - comment.length,
    content: key + value,
    comment,
  };
}

function realign(line: string, columns: ReadonlyMap<string, number>): string {
  const parts = splitComment(line);
  const column = parts && columns.get(parts.id);
  if (!parts || column === undefined) return line;
  return parts.content.length < column ? parts.content.padEnd(column) + parts.comment : line;
}
