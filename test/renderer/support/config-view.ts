import type { ConfigView } from '../../../src/domain/services/settings-service';

/** What `config.get` answers for a settings.yaml with a local Ollama, OpenAI and one MCP server. */
export const view: ConfigView = {
  revision: 'rev-1',
  defaultProvider: 'ollama_local',
  loggingEnabled: true,
  logDir: null,
  logMaxFiles: 5,
  logMaxFileSizeMb: 10,
  api: { enabled: true, port: 8000, auth: true },
  gateway: { enabled: true, corsOrigins: ['http://localhost:5173'] },
  tools: { maxRounds: 3, timeoutS: 20 },
  mcpServers: {
    files: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
      env: { SECRET_TOKEN: null },
      headers: {},
      enabled: true,
      runWithoutAsking: false,
      alwaysAllow: ['read_file'],
      neverAllow: [],
    },
  },
  history: { enabled: false, autoTitle: true, titleModel: 'llama3.2:1b' },
  providers: [
    {
      id: 'ollama_local',
      name: 'Ollama (local)',
      type: 'ollama',
      host: 'http://127.0.0.1:11434',
      defaultModel: null,
      systemPrompt: null,
      apiKeySet: false,
      apiKeySource: 'none',
      proxySet: false,
    },
    {
      id: 'openai',
      name: null,
      type: 'openai',
      host: 'https://api.openai.com/v1',
      defaultModel: 'gpt-4o-mini',
      systemPrompt: null,
      apiKeyEnv: 'OPENAI_API_KEY',
      timeoutS: 30,
      apiKeySet: true,
      apiKeySource: 'file',
      proxySet: false,
    },
  ],
};
