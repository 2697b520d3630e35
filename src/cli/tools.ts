import { toSnakeKeys } from '../domain/casing.js';
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
