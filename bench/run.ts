// `npm run bench`: LightChat's performance figures, each beside a reference measured in the same run
// (CONTRACT section 8). Prints a Markdown table, writes bench/results/latest.json, and exits non-zero
// when a goal is missed or a row could not be measured.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Fakes } from './fakes/fakes.js';
import { Child } from './lib/child.js';
import type { BenchContext, BenchSection } from './lib/context.js';
import { ROOT } from './lib/lightchat.js';
import { describeMachine, formatMachine } from './lib/machine.js';
import { type BenchRow, errorRow } from './lib/rows.js';
import { formatNotes, formatTable } from './lib/table.js';
import { attachmentsSection } from './sections/attachments.js';
import { bundleSection } from './sections/bundle.js';
import { concurrencySection } from './sections/concurrency.js';
import { gatewaySection } from './sections/gateway.js';
import { historySection } from './sections/history.js';
import { memorySection } from './sections/memory.js';
import { relaySection } from './sections/relay.js';
import { startupSection } from './sections/startup.js';
import { storedChatSection } from './sections/stored-chat.js';
import { toolsSection } from './sections/tools.js';
import { ttftSection } from './sections/ttft.js';
import { uiSection } from './sections/ui.js';
import { uiTabsSection } from './sections/ui-tabs.js';
import { workspaceSection } from './sections/workspace.js';

const SECTIONS: BenchSection[] = [
  bundleSection,
  startupSection,
  relaySection,
  ttftSection,
  gatewaySection,
  storedChatSection,
  concurrencySection,
  memorySection,
  uiSection,
  uiTabsSection,
  historySection,
  workspaceSection,
  attachmentsSection,
  toolsSection,
];

interface Args {
  quick: boolean;
  only: string[] | undefined;
  profile: boolean;
  skipBuild: boolean;
  tabs: BenchContext['tabs'];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: undefined, profile: false, skipBuild: false, tabs: {} };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--tabs=')) args.tabs.count = tabCount(arg.slice('--tabs='.length));
    else if (arg === '--no-drawer') args.tabs.drawer = false;
    else if (arg === '--tab-contexts') args.tabs.contextPerTab = true;
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--no-build') args.skipBuild = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',');
    else
      throw new Error(
        `unknown option ${arg} (use --quick, --profile, --no-build, --only=${SECTIONS.map((s) => s.key).join(',')}; row 7d: --tabs=N, --no-drawer, --tab-contexts)`,
      );
  }
  return args;
}

function tabCount(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 8) {
    throw new Error(`--tabs=${text}: give a whole number of tabs from 1 to 8 (the goal's scenario is 4)`);
  }
  return count;
}

/** Ctrl-C or a timeout: end the children (servers, fakes) this run started, then exit. */
function endChildrenOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of Child.running) child.process.kill('SIGKILL');
      process.exit(130);
    });
  }
}

async function main(): Promise<number> {
  endChildrenOnSignal();
  const args = parseArgs(process.argv.slice(2));
  const machine = describeMachine();
  const started = performance.now();
  const log = (message: string) =>
    console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);

  if (!args.skipBuild) {
    log('building what the bench measures (scripts/ensure-built.js)');
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-built.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (build.status !== 0) {
      console.error('bench: the build failed; nothing was measured.');
      return 1;
    }
  }

  const resultsDir = join(ROOT, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const fakes = await Fakes.start();
  const context: BenchContext = {
    quick: args.quick,
    fakes,
    resultsDir,
    profile: args.profile,
    tabs: args.tabs,
    log,
  };
  const rows: BenchRow[] = [];
  const sections = SECTIONS.filter((section) => !args.only || args.only.includes(section.key));
  try {
    for (const section of sections) {
      const sectionStart = performance.now();
      log(`${section.key}: start`);
      try {
        rows.push(...(await section.run(context)));
      } catch (error) {
        log(`${section.key}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        rows.push(...section.ids.map(({ id, name }) => errorRow(id, name, error)));
      }
      log(`${section.key}: ${((performance.now() - sectionStart) / 1000).toFixed(1)} s`);
    }
  } finally {
    await fakes.stop();
  }

  rows.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const seconds = (performance.now() - started) / 1000;
  const mode = args.quick ? 'quick (reduced sizes, marked)' : 'full';
  const notes = formatNotes(rows);
  console.log(`\n## LightChat bench — ${mode}, ${new Date().toISOString()}\n`);
  console.log(`Machine: ${formatMachine(machine)}. Run time ${seconds.toFixed(0)} s.\n`);
  console.log(formatTable(rows));
  if (notes) console.log(`\n${notes}`);
  const failed = rows.filter((row) => row.status !== 'PASS');
  console.log(
    failed.length === 0
      ? `\nAll ${rows.length} rows PASS.`
      : `\n${failed.length} of ${rows.length} rows did not pass: ${failed.map((row) => `${row.id} ${row.status}`).join(', ')}.`,
  );

  await writeFile(
    join(resultsDir, 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), mode, seconds, machine, rows }, null, 2)}\n`,
  );
  return failed.length === 0 ? 0 : 1;
}

// Exit explicitly: keep-alive sockets of the HTTP clients must not hold the finished bench open.
process.exit(
  await main().catch((error: unknown) => {
    console.error(error);
    return 1;
  }),
);
