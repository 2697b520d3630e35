import type { ConfigIssue } from '../../domain/config-error';
import type { ConfigView, RedactedProvider } from '../../domain/services/settings-service';
import type { ProviderType } from '../../domain/settings';
import { type McpServerFormValues, serversToInput, serverToForm } from './mcp-server-form';

/** One provider as the form edits it: text fields as strings, secrets write-only. */
export interface ProviderFormValues {
  /** The id it had when loaded (null for a new one): lets the server keep its key when renamed. */
  previousId: string | null;
  id: string;
  name: string;
  type: ProviderType;
  host: string;
  defaultModel: string;
  systemPrompt: string;
  apiKeyEnv: string;
  /** Typed by the user: '' keeps the stored key. */
  apiKey: string;
  clearApiKey: boolean;
  apiKeySet: boolean;
  /** Fields the form does not show (timeouts…), sent back unchanged. */
  rest: Partial<RedactedProvider>;
}

export interface SettingsFormValues {
  defaultProvider: string;
  loggingEnabled: boolean;
  logDir: string;
  logMaxFiles: number | string;
  logMaxFileSizeMb: number | string;
  apiEnabled: boolean;
  apiPort: number | string;
  /** Not edited in the dialog (turning the token off is a deliberate file edit), but sent back as it is. */
  apiAuth: boolean;
  providers: ProviderFormValues[];
  /** `mcp_servers`, in the file's order (Settings → Tools). */
  mcpServers: McpServerFormValues[];
  /** Settings the dialog does not show (the gateway's…), sent back unchanged so a save never resets them. */
  rest: Record<string, unknown>;
}

export function toFormValues(view: ConfigView): SettingsFormValues {
  const {
    revision: _revision,
    defaultProvider: _defaultProvider,
    loggingEnabled: _loggingEnabled,
    logDir: _logDir,
    logMaxFiles: _logMaxFiles,
    logMaxFileSizeMb: _logMaxFileSizeMb,
    api: _api,
    providers: _providers,
    mcpServers: _mcpServers,
    ...rest
  } = view;
  return {
    defaultProvider: view.defaultProvider ?? '',
    loggingEnabled: view.loggingEnabled,
    logDir: view.logDir ?? '',
    logMaxFiles: view.logMaxFiles,
    logMaxFileSizeMb: view.logMaxFileSizeMb,
    apiEnabled: view.api.enabled,
    apiPort: view.api.port,
    apiAuth: view.api.auth,
    providers: view.providers.map(providerToForm),
    mcpServers: Object.entries(view.mcpServers).map(([name, server]) => serverToForm(name, server)),
    rest,
  };
}

function providerToForm(provider: RedactedProvider): ProviderFormValues {
  const { id, name, type, host, defaultModel, systemPrompt, apiKeyEnv, apiKeySet, ...rest } = provider;
  const { apiKeySource: _source, proxySet: _proxy, ...kept } = rest;
  return {
    previousId: id,
    id,
    name: name ?? '',
    type,
    host: host ?? '',
    defaultModel: defaultModel ?? '',
    systemPrompt: systemPrompt ?? '',
    apiKeyEnv: apiKeyEnv ?? '',
    apiKey: '',
    clearApiKey: false,
    apiKeySet,
    rest: kept,
  };
}

export const newProvider = (type: ProviderType = 'ollama'): ProviderFormValues => ({
  previousId: null,
  id: '',
  name: '',
  type,
  host: '',
  defaultModel: '',
  systemPrompt: '',
  apiKeyEnv: type === 'openai' ? 'OPENAI_API_KEY' : '',
  apiKey: '',
  clearApiKey: false,
  apiKeySet: false,
  rest: {},
});

const textOrNull = (value: string): string | null => (value.trim() === '' ? null : value.trim());
const textOrOmit = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
/** Numbers stay as typed when not numbers, so the server names the field instead of the form guessing. */
const numberOrText = (value: number | string): number | string =>
  typeof value === 'number' || value.trim() === '' || Number.isNaN(Number(value)) ? value : Number(value);

/** The whole settings object `config.update` takes (CONTRACT section 5), with the revision it edits. */
export function toUpdateInput(values: SettingsFormValues, revision: string): Record<string, unknown> {
  return {
    ...values.rest,
    revision,
    defaultProvider: textOrNull(values.defaultProvider),
    loggingEnabled: values.loggingEnabled,
    logDir: textOrNull(values.logDir),
    logMaxFiles: numberOrText(values.logMaxFiles),
    logMaxFileSizeMb: numberOrText(values.logMaxFileSizeMb),
    api: { enabled: values.apiEnabled, port: numberOrText(values.apiPort), auth: values.apiAuth },
    mcpServers: serversToInput(values.mcpServers),
    providers: values.providers.map((provider) => {
      const entry: Record<string, unknown> = {
        ...provider.rest,
        id: provider.id.trim(),
        name: textOrNull(provider.name),
        type: provider.type,
        defaultModel: textOrNull(provider.defaultModel),
        systemPrompt: textOrNull(provider.systemPrompt),
      };
      const host = textOrOmit(provider.host);
      if (host !== undefined) entry.host = host;
      const apiKeyEnv = textOrOmit(provider.apiKeyEnv);
      if (apiKeyEnv !== undefined) entry.apiKeyEnv = apiKeyEnv;
      if (provider.previousId !== null) entry.previousId = provider.previousId;
      // No apiKey: the server keeps the stored one. '' clears it.
      if (provider.clearApiKey) entry.apiKey = '';
      else if (provider.apiKey !== '') entry.apiKey = provider.apiKey;
      return entry;
    }),
  };
}

/** The form field an issue path (snake_case, as in the file) points at: `providers.0.host`. */
export const fieldKey = (path: readonly (string | number)[]): string => path.join('.');

/** The keys of every field the form shows, to tell field errors from errors shown above the form. */
export function formFieldKeys(values: SettingsFormValues): Set<string> {
  const keys = ['default_provider', 'logging_enabled', 'log_dir', 'log_max_files', 'log_max_file_size_mb'];
  keys.push('api.enabled', 'api.port');
  values.providers.forEach((_, index) => {
    for (const field of [
      'id',
      'name',
      'type',
      'host',
      'default_model',
      'system_prompt',
      'api_key',
      'api_key_env',
    ]) {
      keys.push(`providers.${index}.${field}`);
    }
  });
  return new Set(keys);
}

/** Server issues split into messages by field, and the rest (shown in one alert). */
export function issuesByField(
  issues: readonly ConfigIssue[],
  values: SettingsFormValues,
): { fields: Record<string, string>; other: string[] } {
  const known = formFieldKeys(values);
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = fieldKey(issue.path);
    if (known.has(key)) fields[key] ??= issue.message;
    else other.push(issue.path.length ? `${key}: ${issue.message}` : issue.message);
  }
  return { fields, other };
}

/** Reads `details.issues` of a CONFIG_INVALID error, defensively (it crossed the wire). */
export function readIssues(details: Record<string, unknown>): ConfigIssue[] {
  const issues = details.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as Record<string, unknown>;
    if (!Array.isArray(path) || typeof message !== 'string') return [];
    return [{ path: path.filter((part) => typeof part === 'string' || typeof part === 'number'), message }];
  });
}
