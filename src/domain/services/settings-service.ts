import type { ConfigError } from '../config-error.js';
import { AppError } from '../errors.js';
import type { ChatLog } from '../ports/chat-log.port.js';
import type { SettingsSnapshot, SettingsStore } from '../ports/settings-store.port.js';
import {
  DEFAULT_HOSTS,
  DEFAULT_SETTINGS,
  PROVIDER_TYPES,
  type ProviderConfig,
  type ProviderType,
  providerHost,
  resolveApiKey,
  type Settings,
  sameUrl,
  settingsSchema,
} from '../settings.js';
import { mergeMcpSecrets, type RedactedMcpServer, redactMcpServers } from './mcp-secrets.js';
import { zodIssues } from './validation.js';

export type RedactedProvider = Omit<ProviderConfig, 'apiKey' | 'proxy'> & {
  apiKeySet: boolean;
  apiKeySource: 'file' | 'env' | 'none';
  proxySet: boolean;
};
export type RedactedSettings = Omit<Settings, 'providers' | 'mcpServers'> & {
  providers: RedactedProvider[];
  mcpServers: Record<string, RedactedMcpServer>;
};
/** What `GET /config` and `config.get` answer: the file's own settings, secrets replaced, plus `revision`. */
export type ConfigView = RedactedSettings & { revision: string };
export interface ConfigChange {
  config: ConfigView;
  error: ConfigError | null;
}

/** Command-line flags: they win over the file for the whole run, also after a reload. */
export interface SettingsOverrides {
  logDir?: string;
  loggingEnabled?: boolean;
  port?: number;
  /** `--no-auth` gives false. */
  auth?: boolean;
}

export interface SettingsServiceDeps {
  store: SettingsStore;
  log: ChatLog;
  env: Readonly<Record<string, string | undefined>>;
  overrides?: SettingsOverrides;
}

/** Fields of a provider that `GET /config` adds and a `PUT` may send back: ignored on update. */
const VIEW_ONLY_KEYS = ['apiKeySet', 'apiKeySource', 'proxySet', 'previousId'] as const;

/**
 * The settings in force: the last good file (or built-in defaults when the file was invalid from the
 * start), the last load error, change events, redaction and the secrets round trip of `PUT /config`.
 */
export class SettingsService {
  private settings: Settings = DEFAULT_SETTINGS;
  private revision = '';
  private error: ConfigError | null = null;
  private readonly listeners = new Set<(change: ConfigChange) => void>();
  private unwatch: (() => void) | null = null;

  constructor(private readonly deps: SettingsServiceDeps) {}

  get path(): string {
    return this.deps.store.path;
  }

  async start(): Promise<void> {
    this.apply(await this.deps.store.load(), 'config_loaded');
    this.unwatch = this.deps.store.watch((snapshot) => this.apply(snapshot, 'config_reloaded'));
  }

  /** The file's settings in force (no flags applied). */
  current(): Settings {
    return this.settings;
  }

  /** The settings with command-line flags applied: what the hosts run on. */
  effective(): Settings {
    const { overrides = {} } = this.deps;
    return {
      ...this.settings,
      logDir: overrides.logDir ?? this.settings.logDir,
      loggingEnabled: overrides.loggingEnabled ?? this.settings.loggingEnabled,
      api: {
        ...this.settings.api,
        port: overrides.port ?? this.settings.api.port,
        auth: overrides.auth ?? this.settings.api.auth,
      },
    };
  }

  /** Changes a run-time override (the UI's logging switch); the caller re-applies `effective()`. */
  setOverrides(patch: SettingsOverrides): void {
    this.deps.overrides = { ...this.deps.overrides, ...patch };
  }

  loadError(): ConfigError | null {
    return this.error;
  }

  view(): ConfigView {
    return { ...this.redact(this.settings), revision: this.revision };
  }

  onChange(listener: (change: ConfigChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Saves the whole settings object sent by a client (camelCase, with `revision`). A provider sent
   * without `apiKey`/`proxy` keeps the stored one (by id, or by `previousId` when renamed) unless its
   * `type` or `host` changed; `""` clears it.
   */
  async update(input: unknown, options: { overwrite?: boolean } = {}): Promise<ConfigView> {
    const { revision, candidate } = this.mergeSecrets(input);
    const parsed = settingsSchema.safeParse(candidate);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError('CONFIG_INVALID', `The settings are not valid: ${describe(issues[0])}`, {
        details: { issues },
      });
    }
    this.refuseProgramsWithoutToken(parsed.data);
    const snapshot = await this.deps.store.save(parsed.data, {
      expectedRevision: revision,
      overwrite: options.overwrite,
    });
    this.apply(snapshot, 'config_saved');
    return this.view();
  }

  /**
   * `Always allow` (CONTRACT section 11): adds `tool` to the server's `always_allow` through the same
   * compare-and-swap write as `PUT /config` (a hand edit not yet loaded is a 409, nothing written).
   */
  async allowToolAlways(server: string, tool: string): Promise<void> {
    const config = this.settings.mcpServers[server];
    if (!config) {
      throw new AppError('TOOL_NOT_FOUND', `There is no MCP server "${server}" in mcp_servers.`, {
        details: { server },
      });
    }
    if (config.alwaysAllow.includes(tool)) return;
    const next: Settings = {
      ...this.settings,
      mcpServers: {
        ...this.settings.mcpServers,
        [server]: { ...config, alwaysAllow: [...config.alwaysAllow, tool] },
      },
    };
    const snapshot = await this.deps.store.save(next, { expectedRevision: this.revision });
    this.apply(snapshot, 'config_saved');
  }

  async close(): Promise<void> {
    this.unwatch?.();
    await this.deps.store.close();
  }

  private apply(snapshot: SettingsSnapshot, eventType: string): void {
    this.revision = snapshot.revision;
    if (snapshot.ok) {
      this.settings = snapshot.settings;
      this.error = null;
      this.deps.log.append({
        role: 'system',
        content: `Settings applied from ${this.path}`,
        eventType,
        details: { path: this.path },
      });
    } else {
      this.error = snapshot.error;
      const where = snapshot.error.line === undefined ? '' : ` (line ${snapshot.error.line})`;
      this.deps.log.append({
        role: 'error',
        content: `settings.yaml is invalid${where}: ${snapshot.error.message}. The last good settings stay in force.`,
        eventType: 'config_error',
        details: { path: this.path, ...snapshot.error },
      });
    }
    const change = { config: this.view(), error: this.error };
    for (const listener of this.listeners) listener(change);
  }

  /**
   * An MCP server runs a program: with the API token off (`--no-auth`), anyone on this machine could add
   * one, so `mcp_servers` is edited in the file only (CONTRACT section 4).
   */
  private refuseProgramsWithoutToken(next: Settings): void {
    if (this.effective().api.auth) return;
    if (sameJson(next.mcpServers, this.settings.mcpServers)) return;
    const message =
      'mcp_servers can only be changed in settings.yaml while the API token is off (--no-auth): edit the file, or restart without --no-auth';
    throw new AppError('CONFIG_INVALID', message, {
      details: { issues: [{ path: ['mcp_servers'], message }] },
    });
  }

  private mergeSecrets(input: unknown): { revision: string; candidate: unknown } {
    if (!isRecord(input) || typeof input.revision !== 'string') {
      throw new AppError(
        'VALIDATION_ERROR',
        'Send the whole settings object with the `revision` from GET /config.',
        {
          details: { issues: [{ path: ['revision'], message: 'revision is required' }] },
        },
      );
    }
    const { revision, ...candidate } = input;
    if (Array.isArray(candidate.providers)) {
      const storedById = new Map(this.settings.providers.map((provider) => [provider.id, provider]));
      candidate.providers = candidate.providers.map((entry: unknown) => {
        if (!isRecord(entry)) return entry;
        const stored = storedById.get(String(entry.previousId ?? entry.id));
        // A key belongs to the server it was given for: a moved or retyped provider starts without it.
        const from = stored && sameServer(stored, entry) ? stored : undefined;
        const provider: Record<string, unknown> = { ...entry };
        for (const key of VIEW_ONLY_KEYS) delete provider[key];
        for (const secret of ['apiKey', 'proxy'] as const) {
          if (provider[secret] === undefined && from?.[secret] !== undefined) provider[secret] = from[secret];
          if (provider[secret] === '') delete provider[secret];
        }
        return provider;
      });
    }
    if (candidate.mcpServers !== undefined) {
      candidate.mcpServers = mergeMcpSecrets(this.settings.mcpServers, candidate.mcpServers);
    }
    return { revision, candidate };
  }

  private redact(settings: Settings): RedactedSettings {
    return {
      ...settings,
      mcpServers: redactMcpServers(settings.mcpServers),
      providers: settings.providers.map(({ apiKey, proxy, ...rest }) => {
        const { source } = resolveApiKey({ ...rest, apiKey }, this.deps.env);
        return { ...rest, apiKeySet: source !== 'none', apiKeySource: source, proxySet: proxy !== undefined };
      }),
    };
  }
}

const isProviderType = (value: unknown): value is ProviderType =>
  (PROVIDER_TYPES as readonly unknown[]).includes(value);

/** Deep equality of plain settings data, whatever the order of keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a sent provider entry still points at the stored one's server (same type, same host). */
function sameServer(stored: ProviderConfig, entry: Record<string, unknown>): boolean {
  if (entry.type !== stored.type) return false;
  const host =
    typeof entry.host === 'string'
      ? entry.host
      : isProviderType(entry.type)
        ? DEFAULT_HOSTS[entry.type]
        : undefined;
  return host !== undefined && sameUrl(host, providerHost(stored));
}

const describe = (issue: { path: (string | number)[]; message: string } | undefined): string =>
  issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unknown problem';
