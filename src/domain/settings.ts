import { z } from 'zod';

/** The settings of CONTRACT section 2, in camelCase. The file's snake_case is mapped in `casing.ts`. */
import { mcpServerNameIssues, mcpServersSchema, toolsSettingsSchema } from './mcp-settings.js';
import {
  DEFAULT_HOSTS,
  DEFAULT_KEY_ENVS,
  MODEL_CAPABILITIES,
  PROVIDER_TYPES,
  type ProviderType,
} from './provider-types.js';

export { DEFAULT_HOSTS, DEFAULT_KEY_ENVS, PROVIDER_TYPES, type ProviderType };

/** First-token timeout defaults: a local Ollama may need minutes to load a model. */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_S: Record<ProviderType, number> = {
  ollama: 300,
  openai: 60,
  anthropic: 60,
  gemini: 60,
};
export const DEFAULT_IDLE_TIMEOUT_S = 60;
/** First-token timeout default of a model that reasons before it answers (CONTRACT section 12). */
export const REASONING_FIRST_TOKEN_TIMEOUT_S = 300;

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      message: `${what} must be an http:// or https:// URL, e.g. http://127.0.0.1:11434`,
    });

const nullableText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

/** `providers[].models.<name>`: what LightChat can't learn from the provider's API (CONTRACT section 2). */
export const modelSettingsSchema = z.strictObject({
  capabilities: z
    .array(
      z.enum(MODEL_CAPABILITIES, {
        message: `each capability must be one of ${MODEL_CAPABILITIES.join(', ')}`,
      }),
    )
    .optional(),
  contextLength: z.number().int().positive('context_length must be a positive number of tokens').optional(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

export const providerConfigSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9_-]+$/, 'id may contain only lowercase letters, digits, "_" and "-", e.g. ollama_local'),
  name: nullableText,
  type: z.enum(PROVIDER_TYPES, {
    message: 'type must be "ollama", "openai", "anthropic" or "gemini"',
  }),
  host: httpUrl('host').optional(),
  defaultModel: nullableText,
  systemPrompt: nullableText,
  apiKey: z.string().optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'api_key_env must be an environment variable name')
    .optional(),
  proxy: httpUrl('proxy').optional(),
  timeoutS: z.number().positive().optional(),
  idleTimeoutS: z.number().positive().optional(),
  models: z.record(z.string().min(1), modelSettingsSchema).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const apiSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  port: z.number().int().min(1).max(65535).default(8000),
  /** CONTRACT section 4: every route but /health and the UI needs the API token. */
  auth: z.boolean().default(true),
});

/** CONTRACT sections 2 and 10: conversations kept, and their automatic titles. Applied live. */
export const historySettingsSchema = z.strictObject({
  /** false: nothing is stored (every chat is temporary), like `--no-history`. */
  enabled: z.boolean().default(true),
  /** One extra short model call per conversation for its title. */
  autoTitle: z.boolean().default(true),
  /** The model that writes titles, on the conversation's provider; null: the conversation's own model. */
  titleModel: z
    .string()
    .trim()
    .min(1, "title_model must be a model id, or null for the conversation's own model")
    .nullish()
    .transform((value) => value ?? null),
});
export type HistorySettings = z.infer<typeof historySettingsSchema>;
/** An origin as browsers send it: scheme, host and port, no path (e.g. http://localhost:5173). */
const webOrigin = z
  .string()
  .trim()
  .refine(isWebOrigin, {
    message:
      'each of cors_origins must be a web origin such as http://localhost:5173 (scheme, host and port; no path)',
  })
  // As a browser writes it in `Origin`: lower case, no default port, no trailing slash.
  .transform((value) => new URL(value).origin);

function isWebOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username;
}

/** CONTRACT section 13: the OpenAI-compatible `/v1` API over every provider. */
export const gatewaySettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Web apps allowed to call `/v1` with a gateway key; none by default. */
  corsOrigins: z.array(webOrigin).default([]),
});

export const settingsSchema = z
  .strictObject({
    defaultProvider: z
      .string()
      .nullish()
      .transform((value) => value ?? null),
    loggingEnabled: z.boolean().default(true),
    logDir: nullableText,
    logMaxFiles: z.number().int().min(1).max(1000).default(5),
    logMaxFileSizeMb: z.number().positive().max(10_000).default(10),
    api: apiSettingsSchema.default({ enabled: true, port: 8000, auth: true }),
    history: historySettingsSchema.default({ enabled: true, autoTitle: true, titleModel: null }),
    gateway: gatewaySettingsSchema.default({ enabled: true, corsOrigins: [] }),
    tools: toolsSettingsSchema.default(toolsSettingsSchema.parse({})),
    mcpServers: mcpServersSchema,
    providers: z.array(providerConfigSchema).default([]),
  })
  .superRefine((settings, ctx) => {
    for (const issue of mcpServerNameIssues(settings.mcpServers)) ctx.addIssue({ code: 'custom', ...issue });
    const seen = new Set<string>();
    settings.providers.forEach((provider, index) => {
      if (seen.has(provider.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', index, 'id'],
          message: `duplicate provider id "${provider.id}"`,
        });
      }
      seen.add(provider.id);
    });
    if (settings.defaultProvider !== null && !seen.has(settings.defaultProvider)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultProvider'],
        message: `default_provider "${settings.defaultProvider}" is not the id of any provider (${[...seen].join(', ') || 'none configured'})`,
      });
    }
  });
export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

/** Built-in defaults, also what LightChat runs on when the file is invalid at start-up. */
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({
  defaultProvider: 'ollama_local',
  providers: [
    { id: 'ollama_local', name: 'Ollama (local)', type: 'ollama', host: DEFAULT_HOSTS.ollama },
    { id: 'openai', name: 'OpenAI', type: 'openai', host: DEFAULT_HOSTS.openai, apiKeyEnv: 'OPENAI_API_KEY' },
  ],
});

export const providerHost = (provider: ProviderConfig): string =>
  provider.host ?? DEFAULT_HOSTS[provider.type];
export const providerName = (provider: ProviderConfig): string => provider.name ?? provider.id;

/** The default provider in force: the configured one, else the first. */
export const effectiveDefaultProvider = (settings: Settings): string | null =>
  settings.defaultProvider ?? settings.providers[0]?.id ?? null;

/**
 * Where a provider's key comes from: `api_key` wins over `api_key_env`; without `api_key_env`,
 * the type's own variables (ANTHROPIC_API_KEY; GEMINI_API_KEY, then GOOGLE_API_KEY).
 */
export function resolveApiKey(
  provider: ProviderConfig,
  env: Readonly<Record<string, string | undefined>>,
): { key: string | undefined; source: 'file' | 'env' | 'none' } {
  if (provider.apiKey) return { key: provider.apiKey, source: 'file' };
  const names = provider.apiKeyEnv ? [provider.apiKeyEnv] : DEFAULT_KEY_ENVS[provider.type];
  const fromEnv = names.map((name) => env[name]).find(Boolean);
  if (fromEnv) return { key: fromEnv, source: 'env' };
  return { key: undefined, source: 'none' };
}

/** `https://Api.example.com/v1/` and `https://api.example.com/v1` are one server; anything else differs. */
export const sameUrl = (a: string, b: string): boolean => {
  const normal = (url: string) => (URL.canParse(url) ? new URL(url).href : url).replace(/\/+$/, '');
  return normal(a.trim()) === normal(b.trim());
};

/** Loopback hosts are never proxied, and a first-token timeout against them is not retried. */
export function isLoopbackUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
