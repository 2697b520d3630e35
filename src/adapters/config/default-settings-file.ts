/**
 * The commented settings.yaml written when none exists (CONTRACT section 2, byte for byte).
 * Kept as text, not generated, so its comments and alignment are exactly what the user reads.
 */
export const DEFAULT_SETTINGS_FILE = `# LightChat settings. Edited by hand or from the app; changes apply live.
default_provider: ollama_local
logging_enabled: true        # false: write no log files (logs hold your prompts and answers)
log_dir: null                # null: the OS log directory
log_max_files: 5
log_max_file_size_mb: 10
api:
  enabled: true              # the local HTTP API (the desktop app; \`serve\` always serves)
  port: 8000
  auth: true                 # require the API token (the api-token file beside this one); false: anyone on this machine may call it
history:
  enabled: true              # keep conversations in the data directory; false: nothing is stored
  auto_title: true           # one extra short model call per conversation for its title
  title_model: null          # null: the conversation's own model
tools:
  max_rounds: 8              # model turns with tool calls per message
  timeout_s: 60              # longest wait for one tool call, in seconds
mcp_servers: {}              # tool servers (MCP), the shape of Claude Desktop's "mcpServers"; see the README
gateway:
  enabled: true              # the OpenAI-compatible /v1 API over every provider, for other tools (keys: \`lightchat gateway-key\`)
  cors_origins: []           # web apps allowed to call /v1 with a gateway key (none by default)
providers:
  - id: ollama_local         # unique, [a-z0-9_-]+
    name: Ollama (local)     # optional display name
    type: ollama             # ollama | openai
    host: http://127.0.0.1:11434
    default_model: null      # null: the first chat model the provider lists
    system_prompt: null
  - id: openai
    type: openai             # also any OpenAI-compatible server via host
    host: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY   # or api_key: sk-... (kept out of logs and API answers)
    # proxy: http://user:pass@proxy:3128   # optional; default: HTTPS_PROXY / NO_PROXY, never for loopback
    # timeout_s: 60                        # optional: first-token timeout (Ollama default 300, OpenAI 60)
    # idle_timeout_s: 60                   # optional: longest silence between chunks
`;
