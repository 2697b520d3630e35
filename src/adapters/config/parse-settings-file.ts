import { createHash } from 'node:crypto';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { camelToSnake, hasNamedKeys, isOpaqueKey, snakeToCamel, toCamelKeys } from '../../domain/casing.js';
import type { ConfigError } from '../../domain/config-error.js';
import type { SettingsSnapshot } from '../../domain/ports/settings-store.port.js';
import { zodIssues } from '../../domain/services/validation.js';
import { type Settings, settingsSchema } from '../../domain/settings.js';

type Path = (string | number)[];

/** settings.yaml as read: its text, the editable Document, and what it means. */
export interface SettingsFile {
  text: string;
  revision: string;
  /** Undefined when the text is not YAML at all (a syntax error). */
  doc: Document | undefined;
  result: { ok: true; settings: Settings } | { ok: false; error: ConfigError };
}

/** The `revision` of CONTRACT section 2: a hash of the file's content as loaded. */
export const contentRevision = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

export const snapshotOf = (file: SettingsFile): SettingsSnapshot =>
  file.result.ok
    ? { ok: true, settings: file.result.settings, revision: file.revision }
    : { ok: false, error: file.result.error, revision: file.revision };

/** Parses and validates the text of settings.yaml, pointing errors at a line and a snake_case path. */
export function parseSettingsFile(text: string): SettingsFile {
  const revision = contentRevision(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    return {
      text,
      revision,
      doc: undefined,
      result: {
        ok: false,
        error: { message: `YAML syntax error: ${syntaxError.message}`, line, column: col },
      },
    };
  }
  const lineOf = (path: Path) => lineAt(doc, lineCounter, path);
  if (doc.contents === null) {
    // An empty file is most often an editor's half-finished save: keeping the last good settings is safer
    // than treating it as "no providers at all".
    const message =
      'the file has no settings (it is empty or only comments); delete it to get the default file back';
    return { text, revision, doc, result: { ok: false, error: { message, line: 1 } } };
  }
  if (!isMap(doc.contents)) {
    const message =
      'the file must hold settings as "key: value" lines, e.g. "default_provider: ollama_local"';
    return { text, revision, doc, result: { ok: false, error: { message, line: lineOf([]) ?? 1 } } };
  }
  const raw: unknown = doc.toJS();
  const strayKey = findNonSnakeKey(raw, []);
  if (strayKey) {
    const { parent, key } = strayKey;
    const hint = camelToSnake(snakeToCamel(key));
    const path = [...parent, key];
    const message = `${prefix(parent)}unknown key "${key}"${hint !== key ? ` (did you mean "${hint}"?)` : ''}`;
    return { text, revision, doc, result: { ok: false, error: { message, path, line: lineOf(path) } } };
  }
  const parsed = settingsSchema.safeParse(toCamelKeys(raw));
  if (parsed.success) return { text, revision, doc, result: { ok: true, settings: parsed.data } };
  return { text, revision, doc, result: { ok: false, error: schemaError(parsed.error, raw, lineOf) } };
}

function schemaError(
  error: z.ZodError,
  raw: unknown,
  lineOf: (path: Path) => number | undefined,
): ConfigError {
  const issues = zodIssues(error);
  const first = error.issues[0];
  const described = issues[0];
  if (!first || !described) return { message: 'the settings are not valid' };
  const at = described.path;
  if (first.code === 'unrecognized_keys' && first.keys[0] !== undefined) {
    // Point at the unknown key itself, not at the map that holds it.
    const path = [...at, camelToSnake(first.keys[0])];
    return withMore(
      { message: `${prefix(at)}${described.message}`, path, line: lineOf(path) },
      issues.length,
    );
  }
  const missing = at.length > 0 && valueAt(raw, at) === undefined;
  const message = missing
    ? `${prefix(at.slice(0, -1))}"${String(at.at(-1))}" is missing`
    : `${prefix(at)}${described.message}`;
  return withMore({ message, path: at, line: lineOf(at) }, issues.length);
}

const withMore = (error: ConfigError, count: number): ConfigError =>
  count > 1
    ? { ...error, message: `${error.message} (and ${count - 1} more problem${count > 2 ? 's' : ''})` }
    : error;

/** `providers[0].type: ` — the path as a user finds it in the file. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

const prefix = (path: readonly (string | number)[]): string => (path.length ? `${formatPath(path)}: ` : '');

/**
 * Keys the file spells other than in snake_case (e.g. `defaultProvider`) would slip through the mapping.
 * User-chosen keys (server names, `env` and `headers`) are spelled as the user likes.
 */
function findNonSnakeKey(
  value: unknown,
  path: Path,
  keysAreNames = false,
): { parent: Path; key: string } | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNonSnakeKey(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (!keysAreNames && camelToSnake(snakeToCamel(key)) !== key) return { parent: path, key };
    if (!keysAreNames && isOpaqueKey(key)) continue;
    const found = findNonSnakeKey(inner, [...path, key], !keysAreNames && hasNamedKeys(key));
    if (found) return found;
  }
  return undefined;
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** The 1-based line of the deepest node of `path` (snake_case, as in the file) that exists in the file (the key's line for map entries). */
function lineAt(doc: Document, lineCounter: LineCounter, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let offset = isScalar(node) || isMap(node) || isSeq(node) ? node.range?.[0] : undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) break;
      offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (!(isScalar(item) || isMap(item) || isSeq(item))) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
