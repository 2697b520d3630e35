import { errorCodeOf } from '../client/error-code.js';
import { toSnakeKeys } from '../domain/casing.js';
import type { ToolServerInfo } from '../domain/ports/tool-host.port.js';
import type { ListFlags } from './main.js';
import { connect, reportFailure } from './remote.js';
import { formatTable } from './table.js';
import { stripTerminalControls } from './terminal-text.js';

/** What servers send (tool descriptions, stderr tails) reaches a terminal without control sequences. */
const print = (text: string): void =>
  console.log(process.stdout.isTTY === true ? stripTerminalControls(text) : text);

/** `lightchat tools`: each MCP server with its status and tools (CONTRACT section 11). */
export async function listTools(flags: ListFlags): Promise<number> {
  try {
    const servers = await connect(flags).tools.list.query();
    if (flags.json) {
      console.log(JSON.stringify(toSnakeKeys(servers), null, 2));
      return 0;
    }
    if (servers.length === 0) {
      console.log('No MCP servers are configured. Add one under `mcp_servers:` in settings.yaml.');
      return 0;
    }
    const rows = servers.map((server) => [
      server.server,
      server.status,
      String(server.tools.length),
      server.tools.map((tool) => tool.name).join(', '),
    ]);
    print(formatTable(['SERVER', 'STATUS', 'TOOLS', 'NAMES'], rows));
    for (const server of servers) if (server.error) print(`\n${server.server}: ${server.error}`);
    return 0;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}

/** A restarted server's start is given this long to end `starting` (its own start timeout is 30 s). */
const RESTART_WAIT_MS = 35_000;
const POLL_MS = 200;

/**
 * `lightchat tools restart [SERVER]`: stops that MCP server (or every one) and starts it again, then
 * prints the status each reached once it stopped `starting`. Exit 1 when one ended in `error`, or
 * when no server has that name.
 */
export async function restartTools(server: string | undefined, flags: ListFlags): Promise<number> {
  try {
    const client = connect(flags);
    const names =
      server === undefined ? (await client.tools.list.query()).map((info) => info.server) : [server];
    if (names.length === 0) {
      console.log('No MCP servers are configured. Add one under `mcp_servers:` in settings.yaml.');
      return 0;
    }
    for (const name of names) await client.tools.restart.mutate({ server: name });
    const deadline = Date.now() + RESTART_WAIT_MS;
    let restarted: ToolServerInfo[] = [];
    for (;;) {
      const listed = await client.tools.list.query();
      restarted = listed.filter((info) => names.includes(info.server));
      if (restarted.every((info) => info.status !== 'starting') || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (flags.json) {
      console.log(JSON.stringify(toSnakeKeys(restarted), null, 2));
    } else {
      const rows = restarted.map((info) => [info.server, info.status, String(info.tools.length)]);
      print(formatTable(['SERVER', 'STATUS', 'TOOLS'], rows));
      for (const info of restarted) if (info.error) print(`\n${info.server}: ${info.error}`);
    }
    return restarted.some((info) => info.status === 'error') ? 1 : 0;
  } catch (error) {
    const code = reportFailure(error, flags.url);
    // An unknown name: say where the names are.
    if (errorCodeOf(error) === 'TOOL_NOT_FOUND')
      console.error('lightchat: `lightchat tools` lists the servers there are.');
    return code;
  }
}
