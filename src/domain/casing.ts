/**
 * The one mapping between the wire's snake_case (YAML, JSONL, REST JSON) and the code's camelCase.
 * Pure string/object functions, so both the adapters and error messages share it.
 */
export const snakeToCamel = (key: string): string =>
  key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const camelToSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

type Mapper = (key: string) => string;

function mapKeys(value: unknown, mapKey: Mapper, opaque: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, mapKey, opaque));
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const mapped = mapKey(key);
    out[mapped] = opaque.has(mapped) || opaque.has(key) ? inner : mapKeys(inner, mapKey, opaque);
  }
  return out;
}

/** Keys named in `opaque` (e.g. `details`) keep their contents as they are. */
export const toCamelKeys = (value: unknown, opaque: readonly string[] = ['details']): unknown =>
  mapKeys(value, snakeToCamel, new Set(opaque));

export const toSnakeKeys = (value: unknown, opaque: readonly string[] = ['details']): unknown =>
  mapKeys(value, camelToSnake, new Set(opaque));

export const toSnakePath = (path: readonly PropertyKey[]): (string | number)[] =>
  path.map((part) => (typeof part === 'number' ? part : camelToSnake(String(part))));
