import { Command, CommanderError, Option } from 'commander';
import { lightChatVersion } from '../adapters/api/package-info.js';

export const DEFAULT_PORT = 8000;

const defaultUrl = (): string => `http://127.0.0.1:${process.env.LIGHTCHAT_PORT || DEFAULT_PORT}`;

/**
 * `lightchat serve | ask | conversations | providers | models | pull | rm | ps | tools | token | gateway-key` (CONTRACT sections 1 and 6). Each command loads its
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
    .addOption(
      new Option('--think <level>', "a reasoning model's thinking: on, off, or a level").choices([
        'on',
        'off',
        'low',
        'medium',
        'high',
      ]),
    )
    .option(
      '--attach <file>',
      'attach an image, text file or PDF (repeat for more)',
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .addOption(
      new Option('--continue <id>', 'continue the stored conversation with this id').conflicts('save'),
    )
    .option('--save', 'store this chat as a new conversation and print its id on stderr')
    .option(
      '--approve-all',
      'run every tool call the model makes without asking (never_allow still applies); without it and without a terminal, calls are denied',
    )
    .option('--url <url>', 'the LightChat server', defaultUrl())
    .addOption(configOption())
    .action(async (question: string[], flags: AskFlags) => {
      const { ask } = await import('./ask.js');
      exitCode = await ask({ ...flags, question: question.join(' ') });
    });

  const conversations = program
    .command('conversations')
    .description('List, show, search, export, delete and import stored conversations.');
  const remote = (command: Command) =>
    command
      .option('--json', 'print JSON')
      .option('--url <url>', 'the LightChat server', defaultUrl())
      .addOption(configOption());
  // The module loads only when a conversations command runs.
  const run = async (action: (module: typeof import('./conversations.js')) => Promise<number>) => {
    exitCode = await action(await import('./conversations.js'));
  };
  remote(
    conversations.command('list', { isDefault: true }).description('The stored conversations, newest first.'),
  )
    .option('--limit <n>', 'how many (1-200)', '50')
    .action((flags: ConversationsFlags & { limit: string }) => run((m) => m.listConversations(flags)));
  remote(
    conversations.command('show').description("A conversation's current branch.").argument('<id>'),
  ).action((id: string, flags: ConversationsFlags) => run((m) => m.showConversation(id, flags)));
  remote(conversations.command('search').description('Search titles and messages.').argument('<text...>'))
    .option('--limit <n>', 'how many (1-100)', '20')
    .action((text: string[], flags: ConversationsFlags & { limit: string }) =>
      run((m) => m.searchConversations(text.join(' '), flags)),
    );
  remote(
    conversations
      .command('export')
      .description(
        'Print a conversation as Markdown or LightChat JSON, or write all history as a ZIP (--all).',
      )
      .argument('[id]'),
  )
    .addOption(new Option('--format <format>', 'md or json').choices(['md', 'json']).default('md'))
    .option('--all', 'all history as a ZIP (LightChat JSON)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((id: string | undefined, flags: ExportFlags) => run((m) => m.exportConversations(id, flags)));
  remote(
    conversations.command('delete').description('Delete a conversation for good.').argument('<id>'),
  ).action((id: string, flags: ConversationsFlags) => run((m) => m.deleteConversation(id, flags)));
  remote(
    conversations
      .command('import')
      .description("Import LightChat JSON or ZIP, ChatGPT's export (JSON or ZIP) or Claude.ai's.")
      .argument('<file>'),
  ).action((file: string, flags: ConversationsFlags) => run((m) => m.importConversations(file, flags)));

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

  // Ollama model management (CONTRACT section 12); the module loads only when one of them runs.
  const modelCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option('--provider <id>', 'an Ollama provider id (default: the default provider)')
      .option('--url <url>', 'the LightChat server', defaultUrl())
      .addOption(configOption());
  modelCommand('pull', 'Download a model into Ollama, with progress (Ctrl+C cancels).')
    .argument('<model>', 'e.g. llama3.2 or qwen3:8b')
    .action(async (model: string, flags: ModelFlags) => {
      const { pullModel } = await import('./models.js');
      exitCode = await pullModel(model, flags);
    });
  modelCommand('rm', 'Delete a model from Ollama.')
    .argument('<model>')
    .action(async (model: string, flags: ModelFlags) => {
      const { removeModel } = await import('./models.js');
      exitCode = await removeModel(model, flags);
    });
  modelCommand('ps', 'List the models loaded in memory now.')
    .option('--json', 'print JSON')
    .action(async (flags: ModelFlags) => {
      const { listLoaded } = await import('./models.js');
      exitCode = await listLoaded(flags);
    });

  program
    .command('tools')
    .description(
      'List the MCP servers, their status and their tools; `restart [SERVER]` restarts one server (or all) and prints the new status.',
    )
    .argument('[action]', 'restart')
    .argument('[server]', 'restart: the server name (default: every server)')
    .option('--json', 'print JSON')
    .option('--url <url>', 'the LightChat server', defaultUrl())
    .addOption(configOption())
    .action(async (action: string | undefined, server: string | undefined, flags: ListFlags) => {
      const { listTools, restartTools } = await import('./tools.js');
      if (action === undefined) {
        exitCode = await listTools(flags);
      } else if (action === 'restart') {
        exitCode = await restartTools(server, flags);
      } else {
        console.error(
          `lightchat: unknown tools action "${action}"; use \`lightchat tools\` or \`lightchat tools restart [SERVER]\`.`,
        );
        exitCode = 2;
      }
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
  /** `options.think` (CONTRACT section 12): `on`, `off`, `low`, `medium` or `high`. */
  think?: 'on' | 'off' | 'low' | 'medium' | 'high';
  /** Files to attach (`--attach`, repeatable). */
  attach?: string[];
  /** A stored conversation to continue. */
  continue?: string;
  /** Store this chat as a new conversation. */
  save?: boolean;
  /** Approve every tool call that would ask (scripts). */
  approveAll?: boolean;
  url: string;
  config?: string;
}

export interface ConversationsFlags {
  json?: boolean;
  url: string;
  config?: string;
}

export interface ExportFlags extends ConversationsFlags {
  format: 'md' | 'json';
  all?: boolean;
  output?: string;
}

export interface ListFlags {
  json?: boolean;
  url: string;
  config?: string;
}

export interface ModelFlags extends ListFlags {
  /** An Ollama provider id; default: the server's default provider. */
  provider?: string;
}
