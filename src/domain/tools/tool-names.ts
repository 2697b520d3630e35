/**
 * The names the model sees for tools (CONTRACT section 11): `<tool>`, or `<server>__<tool>` when two
 * enabled servers have a tool of that name; always reduced to what every provider accepts.
 */
export const MODEL_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CHARS = 64;

export interface ToolRef {
  server: string;
  /** The tool's own name, as its server lists it. */
  name: string;
}

/** `name` with every character providers refuse replaced by `_`, at most 64 characters. */
export function reduceToolName(name: string): string {
  const reduced = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_CHARS);
  return reduced === '' ? '_' : reduced;
}

/**
 * Model-facing name → tool, for the tools of the enabled servers in settings order. Names that would
 * still collide after reduction (`a.b` and `a_b`) get `_2`, `_3` … so that every call finds its tool.
 */
export function modelToolNames(
  servers: readonly { server: string; tools: readonly { name: string }[] }[],
): Map<string, ToolRef> {
  const count = new Map<string, number>();
  for (const { tools } of servers)
    for (const tool of tools) count.set(tool.name, (count.get(tool.name) ?? 0) + 1);
  const names = new Map<string, ToolRef>();
  for (const { server, tools } of servers) {
    for (const tool of tools) {
      const wanted = reduceToolName((count.get(tool.name) ?? 0) > 1 ? `${server}__${tool.name}` : tool.name);
      let name = wanted;
      for (let n = 2; names.has(name); n += 1) {
        const suffix = `_${n}`;
        name = `${wanted.slice(0, MAX_CHARS - suffix.length)}${suffix}`;
      }
      names.set(name, { server, name: tool.name });
    }
  }
  return names;
}
