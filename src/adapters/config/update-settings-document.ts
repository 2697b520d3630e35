import { isDeepStrictEqual } from 'node:util';
import { type Document, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { toSnakeKeys } from '../../domain/casing.js';
import { mcpServerConfigSchema, toolsSettingsSchema } from '../../domain/mcp-settings.js';
import {
  apiSettingsSchema,
  gatewaySettingsSchema,
  historySettingsSchema,
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
  /** Every value of this map is an entry of this shape (the user-named servers of `mcp_servers`). */
  each?: Shape;
}

/** A map we know nothing about (`env`, `headers`): every key is written. */
const FREE: Shape = { absent: {} };

const asPlain = (value: unknown): Plain => toSnakeKeys(value) as Plain;
const {
  id: _id,
  type: _type,
  ...providerAbsent
} = asPlain(providerConfigSchema.parse({ id: 'x', type: 'ollama' }));
/** `models:` is keyed by the user's model names, each entry written as it is. */
const PROVIDER: Shape = { absent: providerAbsent, maps: { models: { absent: {}, each: FREE } } };
const API: Shape = { absent: asPlain(apiSettingsSchema.parse({})) };
const GATEWAY: Shape = { absent: asPlain(gatewaySettingsSchema.parse({})) };
const HISTORY: Shape = { absent: asPlain(historySettingsSchema.parse({})) };
const TOOLS: Shape = { absent: asPlain(toolsSettingsSchema.parse({})) };
const { command: _command, ...mcpServerAbsent } = asPlain(mcpServerConfigSchema.parse({ command: 'x' }));
const MCP_SERVER: Shape = { absent: mcpServerAbsent, maps: { env: FREE, headers: FREE } };
const SETTINGS: Shape = {
  absent: asPlain(settingsSchema.parse({})),
  maps: {
    api: API,
    history: HISTORY,
    gateway: GATEWAY,
    tools: TOOLS,
    mcp_servers: { absent: {}, each: MCP_SERVER },
  },
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
  const mapShape = shape.each ?? shape.maps?.[key] ?? FREE;
  if (isPlain(value)) return syncMapNode(node, value, mapShape);
  const itemShape = shape.lists?.[key];
  if (itemShape && Array.isArray(value)) {
    const seq = isSeq(node) ? node : new YAMLSeq();
    syncList(seq, value.filter(isPlain), itemShape);
    return seq;
  }
  if (Array.isArray(value) && !value.some((item) => isPlain(item) || Array.isArray(item))) {
    return syncScalarList(node, value);
  }
  return syncScalar(node, value);
}

function syncMapNode(node: unknown, value: Plain, shape: Shape): YAMLMap {
  const map = isMap(node) ? node : new YAMLMap();
  // `mcp_servers: {}` of the default file grows into a block map, not `{files: {command: …}}`; its
  // line comment goes above the first entry (after the map it would read as the next key's).
  if (map.flow && map.items.length === 0 && Object.keys(value).length > 0) {
    map.flow = false;
    if (map.comment) {
      map.commentBefore = map.comment;
      map.comment = undefined;
    }
  }
  syncMap(map, value, shape);
  return map;
}

/** `args: [-y, pkg]`, `always_allow: [read_file]`: items kept where they are, the list's style kept. */
function syncScalarList(node: unknown, values: unknown[]): YAMLSeq {
  const seq = isSeq(node) ? node : new YAMLSeq();
  const old = seq.items;
  seq.items = values.map((value, index) => syncScalar(old[index] ?? null, value));
  return seq;
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

function syncScalar(node: unknown, value: unknown): unknown {
  if (!isScalar(node)) return node === null && value === null ? node : new Scalar(value);
  if (node.value === value) return node;
  // `PORT: 8080` reads as the text "8080" (env values are text): the number as written means the same.
  if (
    typeof value === 'string' &&
    ['number', 'boolean'].includes(typeof node.value) &&
    String(node.value) === value
  )
    return node;
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
