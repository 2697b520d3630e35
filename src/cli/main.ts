import { Command, CommanderError, Option } from 'commander';
import { lightChatVersion } from '../adapters/api/package-info.js';

export const DEFAULT_PORT = 8000;

const defaultUrl = (): string => `http://127.0.0.1:${process.env.LIGHTCHAT_PORT || DEFAULT_PORT}`;

/**
 * `lightchat serve | ask | providers | models | token | gateway-key` (CONTRACT sections 1 and 6). Each command loads its
 * own code when it runs, so `serve` starts without the client and `ask` without the server.
 * Resolves to the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('lightchat')
    .description('LightChat: a local-first chat client for LLMs (Ollama, OpenAI and compatible servers).')
    .version(lightChatVersion(), '-v, --version')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('Serve the API and the web UI on http://127.0.0.1:<port>.')
    .addOption(
      new Option('--port <n>', 'port (default: api.port from settings, else 8000)').env('LIGHTCHAT_PORT'),
    )
    .addOption(new Option('--config <file>', 'the settings file').env('LIGHTCHAT_CONFIG'))
    .addOption(new Option('--log-dir <dir>', 'where chat logs go').env('LIGHTCHAT_LOG_DIR'))
    .option('--no-log', 'write no log files this run (env LIGHTCHAT_NO_LOG=1)')
    .addOption(new Option('--data-dir <dir>', 'where history (lightchat.db) lives').env('LIGHTCHAT_DATA_DIR'))
    .option(
      '--no-history',
      'store no conversations this run: every chat is temporary (env LIGHTCHAT_NO_HISTORY=1)',
    )
    .option('--demo', 'add a built-in demo provider (a fake Ollama), made default for this run')
    .option('--no-auth', 'require no API token this run (env LIGHTCHAT_NO_AUTH=1); prints a warning')
    .action(async (flags: ServeFlags) => {
      const { serve } = await import('./serve.js');
      exitCode = await serve({
        port: flags.port,
        config: flags.config,
        logDir: flags.logDir,
        log: flags.log && process.env.LIGHTCHAT_NO_LOG !== '1',
        dataDir: flags.dataDir,
        history: flags.history && process.env.LIGHTCHAT_NO_HISTORY !== '1',
        demo: flags.demo === true,
        auth: flags.auth && process.env.LIGHTCHAT_NO_AUTH !== '1',
      });
    });

  program
    .command('ask')
    .description('Ask a question; the answer streams to stdout.')
    .argument('<question...>', 'the question')
    .option('--provider <id>', 'provider id (default: the default provider)')
    .option('--model <id>', "model id (default: the provider's default model)")
    .option('--system <text>', 'system prompt for this question')
    .option('--show-thinking', "print a reasoning model's thinking to stderr, dimmed")
    .option('--url <url>', 'the LightChat server', defaultUrl())
    .addOption(configOption())
    .action(async (question: string[], flags: AskFlags) => {
      const { ask } = await import('./ask.js');
      exitCode = await ask({ ...flags, question: question.join(' ') });
    });

  program
    .command('providers')
    .description('List the configured providers and whether they answer.')
    .option('--json', 'print JSON')
    .option('--url <url>', 'the LightChat server', defaultUrl())
    .addOption(configOption())
    .action(async (flags: ListFlags) => {
      const { listProviders } = await import('./list.js');
      exitCode = await listProviders(flags);
    });

  program
    .command('models')
    .description("List a provider's models (default: the default provider).")
    .argument('[provider]', 'provider id')
    .option('--json', 'print JSON')
    .option('--url <url>', 'the LightChat server', defaultUrl())
    .addOption(configOption())
    .action(async (provider: string | undefined, flags: ListFlags) => {
      const { listModels } = await import('./list.js');
      exitCode = await listModels({ ...flags, provider });
    });

  program
    .command('token')
    .description('Print the API token of the local LightChat (created if there is none yet).')
    .option('--rotate', 'replace it with a new one; running LightChats use the new one within 1 s')
    .addOption(configOption('the settings file whose api-token to use'))
    .action(async (flags: TokenFlags) => {
      const { printToken } = await import('./token.js');
      exitCode = await printToken(flags);
    });

  program
    .command('gateway-key')
    .description(
      'Manage the keys other tools use on the OpenAI-compatible /v1 API: create NAME (prints the key once), list, revoke NAME.',
    )
    .argument('<action>', 'create, list or revoke')
    .argument('[name]', 'the key name (create, revoke)')
    .option('--json', 'list: print JSON')
    .addOption(configOption('the settings file whose gateway-keys to use'))
    .action(async (action: string, name: string | undefined, flags: { json?: boolean; config?: string }) => {
      const { gatewayKeyCommand } = await import('./gateway-key.js');
      exitCode = await gatewayKeyCommand(action, name, flags);
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Commander has printed help, the version or a usage error already.
    if (error instanceof CommanderError) return error.exitCode;
    console.error(`lightchat: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return exitCode;
}

interface ServeFlags {
  port?: string;
  dataDir?: string;
  history: boolean;
  config?: string;
  logDir?: string;
  log: boolean;
  demo?: boolean;
  auth: boolean;
}

/** The settings file: its folder holds the `api-token` the commands send. */
const configOption = (description = 'the settings file whose api-token to send') =>
  new Option('--config <file>', description).env('LIGHTCHAT_CONFIG');

export interface TokenFlags {
  rotate?: boolean;
  config?: string;
}

export interface AskFlags {
  provider?: string;
  model?: string;
  system?: string;
  showThinking?: boolean;
  url: string;
  config?: string;
}

export interface ListFlags {
  json?: boolean;
  url: string;
  config?: string;
}
