import { isDeepStrictEqual } from 'node:util';
import { type Document, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { toSnakeKeys } from '../../domain/casing.js';
import {
  apiSettingsSchema,
  gatewaySettingsSchema,
  providerConfigSchema,
  type Settings,
  settingsSchema,
} from '../../domain/settings.js';

type Plain = Record<string, unknown>;

/**
 * How a map of the file reads when a key is absent: such a key is only written when its value differs,
 * so a file the user kept short stays short.
 */
interface Shape {
  absent: Plain;
  maps?: Record<string, Shape>;
  lists?: Record<string, Shape>;
}

const asPlain = (value: unknown): Plain => toSnakeKeys(value) as Plain;
const {
  id: _id,
  type: _type,
  ...providerAbsent
} = asPlain(providerConfigSchema.parse({ id: 'x', type: 'ollama' }));
const PROVIDER: Shape = { absent: providerAbsent };
const API: Shape = { absent: asPlain(apiSettingsSchema.parse({})) };
const GATEWAY: Shape = { absent: asPlain(gatewaySettingsSchema.parse({})) };
const SETTINGS: Shape = {
  absent: asPlain(settingsSchema.parse({})),
  maps: { api: API, gateway: GATEWAY },
  lists: { providers: PROVIDER },
};

/**
 * Writes `settings` into the file's own Document, node by node: untouched values keep their node (and so
 * their quoting and comments), gone keys are removed, new ones appended, providers matched by id.
 */
export function updateSettingsDocument(doc: Document, settings: Settings): void {
  const target = asPlain(settings);
  if (!isMap(doc.contents)) doc.contents = new YAMLMap();
  syncMap(doc.contents as YAMLMap, target, SETTINGS);
}

function syncMap(map: YAMLMap, target: Plain, shape: Shape): void {
  map.items = map.items.filter((pair) => {
    const key = keyOf(pair);
    return key !== undefined && target[key] !== undefined;
  });
  for (const [key, value] of Object.entries(target)) {
    if (value === undefined) continue;
    const pair = map.items.find((item) => keyOf(item) === key);
    if (pair) {
      pair.value = syncValue(pair.value, key, value, shape);
    } else if (!isDeepStrictEqual(value, shape.absent[key])) {
      map.items.push(new Pair(new Scalar(key), syncValue(null, key, value, shape)));
    }
  }
}

function syncValue(node: unknown, key: string, value: unknown, shape: Shape): unknown {
  const mapShape = shape.maps?.[key];
  if (mapShape && isPlain(value)) {
    const map = isMap(node) ? node : new YAMLMap();
    syncMap(map, value, mapShape);
    return map;
  }
  const itemShape = shape.lists?.[key];
  if (itemShape && Array.isArray(value)) {
    const seq = isSeq(node) ? node : new YAMLSeq();
    syncList(seq, value.filter(isPlain), itemShape);
    return seq;
  }
  if (Array.isArray(value)) return syncScalarList(node, value);
  return syncScalar(node, value);
}

/** Matches items by `id`, then pairs what is left by position (a renamed provider keeps its comments). */
function syncList(seq: YAMLSeq, targets: Plain[], shape: Shape): void {
  const items = seq.items;
  const ids = items.map((item) => (isMap(item) ? item.get('id') : undefined));
  const used = new Set<number>();
  const matched = targets.map((target) => {
    const index = ids.findIndex((id, i) => !used.has(i) && id === target.id);
    if (index >= 0) used.add(index);
    return index >= 0 ? index : undefined;
  });
  matched.forEach((index, position) => {
    if (index === undefined && position < items.length && !used.has(position) && isMap(items[position])) {
      matched[position] = position;
      used.add(position);
    }
  });
  seq.items = targets.map((target, position) => {
    const index = matched[position];
    const existing = index === undefined ? undefined : items[index];
    const map = isMap(existing) ? existing : new YAMLMap();
    syncMap(map, target, shape);
    return map;
  });
}

/** A list of plain values (`cors_origins`): kept as it is when unchanged, else written anew. */
function syncScalarList(node: unknown, values: unknown[]): unknown {
  if (isSeq(node) && isDeepStrictEqual(node.toJSON(), values)) return node;
  const seq = new YAMLSeq();
  seq.items = values.map((value) => new Scalar(value));
  // An empty list reads `[]`, as in the default file.
  seq.flow = values.length === 0;
  if (isSeq(node)) {
    seq.comment = node.comment;
    seq.commentBefore = node.commentBefore;
  }
  return seq;
}

function syncScalar(node: unknown, value: unknown): unknown {
  if (!isScalar(node)) return node === null && value === null ? node : new Scalar(value);
  if (node.value === value) return node;
  if (typeof node.value === typeof value && value !== null && node.value !== null) {
    // Same kind of value: keep the node, so its quoting style, number format and comments stay.
    node.value = value;
    delete node.source;
    return node;
  }
  const replacement = new Scalar(value);
  replacement.comment = node.comment;
  replacement.commentBefore = node.commentBefore;
  replacement.spaceBefore = node.spaceBefore;
  return replacement;
}

const keyOf = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
