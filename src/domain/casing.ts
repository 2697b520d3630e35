/**
 * The one mapping between the wire's snake_case (YAML, JSONL, REST JSON) and the code's camelCase.
 * Pure string/object functions, so both the adapters and error messages share it.
 */
/**
 * Remembers each key's other spelling: an answer maps the same few dozen names thousands of times
 * (a 2,000-message conversation holds 36,000 keys). Bounded, because a few maps hold users' own keys.
 */
function remembered(spell: (key: string) => string): (key: string) => string {
  const known = new Map<string, string>();
  return (key) => {
    let spelled = known.get(key);
    if (spelled === undefined) {
      spelled = spell(key);
      if (known.size < KNOWN_KEYS_MAX) known.set(key, spelled);
    }
    return spelled;
  };
}
const KNOWN_KEYS_MAX = 1_000;

export const snakeToCamel = remembered((key) =>
  key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
);
export const camelToSnake = remembered((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

type Mapper = (key: string) => string;

/**
 * Maps whose contents are not ours to rename (CONTRACT section 11): log details, environment variables
 * and HTTP headers of MCP servers (`SECRET_TOKEN` stays `SECRET_TOKEN`), a tool's JSON schema and the
 * arguments a model sends it.
 */
const OPAQUE = new Set(['details', 'env', 'headers', 'inputSchema', 'arguments']);
/**
 * Maps whose keys are names a user chose (MCP server names, the model names of a provider's `models`),
 * while the values inside are ours to map.
 */
const NAMED = new Set(['mcpServers', 'models']);

/** Whether a map's contents are copied as they are; `key` in either spelling. */
export const isOpaqueKey = (key: string): boolean => OPAQUE.has(key) || OPAQUE.has(snakeToCamel(key));
/** Whether a map's own keys are user-chosen names; `key` in either spelling. */
export const hasNamedKeys = (key: string): boolean => NAMED.has(key) || NAMED.has(snakeToCamel(key));

function mapKeys(value: unknown, mapKey: Mapper, keysAreNames = false): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, mapKey));
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (keysAreNames) {
      out[key] = mapKeys(inner, mapKey);
      continue;
    }
    out[mapKey(key)] = isOpaqueKey(key) ? inner : mapKeys(inner, mapKey, hasNamedKeys(key));
  }
  return out;
}

export const toCamelKeys = (value: unknown): unknown => mapKeys(value, snakeToCamel);

export const toSnakeKeys = (value: unknown): unknown => mapKeys(value, camelToSnake);

/** A path into the settings (an error's), in the file's spelling: user-chosen names stay as they are. */
export function toSnakePath(path: readonly PropertyKey[]): (string | number)[] {
  let verbatim: 'no' | 'next' | 'all' = 'no';
  return path.map((part) => {
    if (typeof part === 'number') return part;
    const key = String(part);
    if (verbatim === 'all') return key;
    if (verbatim === 'next') {
      verbatim = 'no';
      return key;
    }
    if (isOpaqueKey(key)) verbatim = 'all';
    else if (hasNamedKeys(key)) verbatim = 'next';
    return camelToSnake(key);
  });
}
