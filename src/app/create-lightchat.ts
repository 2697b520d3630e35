import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiServices } from '../adapters/api/api-services.js';
import { ChatRegistry } from '../adapters/api/chat-registry.js';
import { ApiToken } from '../adapters/config/api-token.js';
import { YamlSettingsStore } from '../adapters/config/yaml-settings-store.js';
import { GatewayKeys } from '../adapters/gateway/gateway-keys.js';
import { JsonlChatLog } from '../adapters/logs/jsonl-chat-log.js';
import { McpToolHost } from '../adapters/mcp/mcp-tool-host.js';
import { createProviderFactories, type SystemProxy } from '../adapters/providers/index.js';
import { AttachmentFiles, attachmentsDir } from '../adapters/store/attachment-files.js';
import { AutoTitles } from '../domain/services/auto-title.js';
import { ChatService } from '../domain/services/chat-service.js';
import { ConversationService } from '../domain/services/conversation-service.js';
import { ModelPulls } from '../domain/services/model-pulls.js';
import type { ProviderOverlay } from '../domain/services/provider-registry.js';
import { ProviderRegistry } from '../domain/services/provider-registry.js';
import { SettingsService } from '../domain/services/settings-service.js';
import { cleanUnsentFiles } from '../domain/services/unsent-files.js';
import type { Settings } from '../domain/settings.js';
import { ToolApprovals } from '../domain/tools/tool-approvals.js';
import { openHistoryStore } from './open-history-store.js';
import { defaultPaths, type LightChatPaths } from './paths.js';

export interface LightChatOptions {
  /** Default: the OS path of CONTRACT section 1. */
  settingsPath?: string;
  /** `--log-dir`: wins over `log_dir` in the file. */
  logDir?: string;
  /** `--no-log` gives false: nothing is written this run, whatever the file says. */
  logging?: boolean;
  /** `--port`: wins over `api.port`. */
  port?: number;
  /** `--no-auth` gives false: no API token is asked for this run, whatever the file says. */
  auth?: boolean;
  /** Providers added for this run only (the demo), never written to the file. */
  overlays?: ProviderOverlay[];
  /** `--data-dir`: where `lightchat.db` lives. Default: the OS data directory of CONTRACT section 1. */
  dataDir?: string;
  /** `--no-history` gives false: every chat is temporary this run, nothing is stored or opened. */
  history?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** Desktop: the system's proxy settings, asked per provider host (see `SystemProxy`). */
  systemProxy?: SystemProxy | undefined;
  /** Caps lightchat.db at this many pages, so that writes fail as on a full disk (tests). */
  historyMaxPageCount?: number;
  /** How long a started chat waits for its subscriber (default 10 s; tests). */
  chatIdleMs?: number;
  /** How long a stored chat runs on without a subscriber (default 60 s; tests). */
  chatLingerMs?: number;
}

/** The core, wired: what every host (serve, desktop, tests) runs on; the API drives its services. */
export interface LightChat extends ApiServices {
  close(): Promise<void>;
}

const MB = 1024 * 1024;

/** The composition root: the only place that constructs adapters. */
export async function createLightChat(options: LightChatOptions = {}): Promise<LightChat> {
  const env = options.env ?? process.env;
  const paths = defaultPaths({ platform: process.platform, env, home: homedir() });
  // Opened first, before anything is awaited: the store's worker thread starts (SQLite, migrations)
  // while this thread loads the settings and the host loads the HTTP server (bench row 6).
  const opening = openHistoryStore({
    enabled: options.history !== false,
    dataDir: options.dataDir ?? paths.dataDir,
    maxPageCount: options.historyMaxPageCount,
  });
  // Its failure is met where it is awaited below, not as an unhandled rejection meanwhile.
  opening.catch(() => {});
  try {
    return await wireLightChat(options, env, paths, opening);
  } catch (error) {
    // A start-up that fails leaves no store worker (nor its lock file) behind.
    await opening.then((history) => history.close()).catch(() => {});
    throw error;
  }
}

async function wireLightChat(
  options: LightChatOptions,
  env: Readonly<Record<string, string | undefined>>,
  paths: LightChatPaths,
  opening: ReturnType<typeof openHistoryStore>,
): Promise<LightChat> {
  const logs = new JsonlChatLog({
    enabled: false,
    dir: options.logDir ?? paths.logDir,
    maxFiles: 5,
    maxFileSizeBytes: 10 * MB,
  });
  const store = new YamlSettingsStore({ path: options.settingsPath ?? paths.settingsPath });
  const settings = new SettingsService({
    store,
    log: logs,
    env,
    overrides: {
      logDir: options.logDir,
      loggingEnabled: options.logging === false ? false : undefined,
      port: options.port,
      auth: options.auth === false ? false : undefined,
    },
  });
  const providers = new ProviderRegistry(createProviderFactories({ env, systemProxy: options.systemProxy }));
  for (const overlay of options.overlays ?? []) providers.addOverlay(overlay);

  const applySettings = (current: Settings) => {
    logs.configure({
      enabled: current.loggingEnabled,
      dir: current.logDir ?? paths.logDir,
      maxFiles: current.logMaxFiles,
      maxFileSizeBytes: current.logMaxFileSizeMb * MB,
    });
    providers.rebuild(current);
  };
  // The log is configured before the settings load so that the load itself is logged.
  applySettings(settings.effective());
  settings.onChange(() => applySettings(settings.effective()));
  await settings.start();
  // MCP servers start in the background: the API is ready before they are.
  const tools = new McpToolHost({ log: logs, env });
  tools.apply(settings.current().mcpServers);
  settings.onChange(() => tools.apply(settings.current().mcpServers));
  let apiToken: ApiToken;
  try {
    apiToken = await ApiToken.start({ settingsPath: settings.path, log: logs });
  } catch (error) {
    await tools.close();
    await settings.close();
    await logs.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not set up the API token next to ${settings.path}: ${reason}`, { cause: error });
  }
  const gatewayKeys = new GatewayKeys({ settingsPath: settings.path, log: logs });
  logs.append({
    role: 'system',
    content: 'LightChat started',
    eventType: 'app_start',
    details: { settings_path: settings.path },
  });

  const dataDir = options.dataDir ?? paths.dataDir;
  const history = await opening;
  // Private mode (`--no-history`) keeps attached files in a temp folder that goes with the run.
  const privateDir =
    options.history === false ? await mkdtemp(join(tmpdir(), 'lightchat-attachments-')) : null;
  const attachments = new AttachmentFiles({ dir: privateDir ?? attachmentsDir(dataDir) });
  void attachments.sweep();
  const conversations = new ConversationService({
    store: history.store,
    temporary: history.temporary,
    historyEnabled: () => options.history !== false && settings.effective().history.enabled,
    attachments,
  });
  const unsentFiles = cleanUnsentFiles({
    conversations,
    onRemoved: (ids) =>
      logs.append({
        role: 'system',
        content: `Removed ${ids.length} attached file(s) uploaded over a day ago and never sent`,
        eventType: 'attachments_removed',
        details: { count: ids.length },
      }),
  });
  const toolApprovals = new ToolApprovals({
    allowAlways: (server, tool) => settings.allowToolAlways(server, tool),
  });
  const chat = new ChatService({
    providers,
    log: logs,
    attachments,
    tools: { host: tools, approvals: toolApprovals, settings: () => settings.current().tools },
  });
  const pulls = new ModelPulls(providers);
  const titles = new AutoTitles({
    chat,
    conversations,
    settings: () => settings.effective().history,
  });
  const closing = new AbortController();
  const chats = new ChatRegistry({
    chat,
    conversations,
    closing: closing.signal,
    idleMs: options.chatIdleMs,
    lingerMs: options.chatLingerMs,
    // A history write that failed (disk full…): the chat goes on; the log says why.
    onHistoryError: (error) =>
      logs.append({
        role: 'error',
        content: `History: ${error.message}`,
        eventType: 'history_error',
        details: { error_code: error.code, ...error.details },
      }),
    onStoredChatStart: (turn) => titles.cancel(turn.conversationId),
    onStoredChatEnd: (turn, end, prepared) => titles.afterAnswer(turn, end, prepared),
  });

  return {
    chat,
    chats,
    conversations,
    providers,
    attachments,
    pulls,
    settings,
    logs,
    tools,
    toolApprovals,
    apiToken,
    gatewayKeys,
    demo: (options.overlays ?? []).length > 0,
    async setLogging(enabled) {
      const change = { role: 'system' as const, eventType: 'logging_switched', details: { enabled } };
      // Logged while logging is on: the entry that turns it off is the last one written, the one that turns it on the first.
      if (!enabled) {
        logs.append({ ...change, content: 'Logging switched off for this run' });
        await logs.flush();
      }
      settings.setOverrides({ loggingEnabled: enabled });
      applySettings(settings.effective());
      if (enabled) logs.append({ ...change, content: 'Logging switched on for this run' });
      return logs.state();
    },
    async close() {
      logs.append({ role: 'system', content: 'LightChat stopped', eventType: 'app_stop' });
      // Chats still running end first, so that their answers are written before history closes.
      closing.abort();
      unsentFiles.close();
      pulls.close();
      titles.close();
      await chats.close();
      await tools.close();
      await settings.close();
      await history.close();
      if (privateDir) await rm(privateDir, { recursive: true, force: true });
      await apiToken.close();
      await gatewayKeys.close();
      await logs.close();
    },
  };
}
