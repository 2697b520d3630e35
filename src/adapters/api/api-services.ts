import type { Attachment } from '../../domain/attachment.js';
import type { AttachmentStore } from '../../domain/ports/attachment-store.port.js';
import type { ChatLog, ChatLogState } from '../../domain/ports/chat-log.port.js';
import type { ToolServers } from '../../domain/ports/tool-host.port.js';
import type { ChatService } from '../../domain/services/chat-service.js';
import type { ConversationService } from '../../domain/services/conversation-service.js';
import type { ModelPulls } from '../../domain/services/model-pulls.js';
import type { ProviderRegistry } from '../../domain/services/provider-registry.js';
import type { SettingsService } from '../../domain/services/settings-service.js';
import type { ToolApprovals } from '../../domain/tools/tool-approvals.js';
import type { ApiToken } from '../config/api-token.js';
import type { GatewayKeys } from '../gateway/gateway-keys.js';
import type { ChatRegistry } from './chat-registry.js';

/**
 * The services the API drives (REST, tRPC over HTTP and IPC): domain services and ports, nothing of
 * the composition root. `createLightChat` (src/app) returns them, with `close()`.
 */
export interface ApiServices {
  chat: ChatService;
  /** Every running chat of this process, whichever transport started it (one registry, global ids). */
  chats: ChatRegistry;
  /** Stored and temporary conversations (CONTRACT section 10). */
  conversations: ConversationService;
  providers: ProviderRegistry;
  /** Attached files (CONTRACT section 12); `stream` serves one back over HTTP. */
  attachments: AttachmentStore & { stream(attachment: Attachment): ReadableStream<Uint8Array> };
  /** Model pulls started over tRPC (`models.pull`), followed by id (CONTRACT section 12). */
  pulls: ModelPulls;
  settings: SettingsService;
  logs: ChatLog;
  /** The tools of the configured MCP servers (CONTRACT section 11), restarted and followed by Settings. */
  tools: ToolServers;
  /** Tool calls waiting for the user, answered from any transport. */
  toolApprovals: ToolApprovals;
  /** The admin token of the HTTP API (CONTRACT section 4), kept in step with its file. */
  apiToken: ApiToken;
  /** The OpenAI-compatible gateway's own keys (CONTRACT section 13), never the admin token. */
  gatewayKeys: GatewayKeys;
  /** True when this run has a demo provider. */
  demo: boolean;
  /** The per-run logging switch (seed 3.4): wins over the file until the next start. */
  setLogging(enabled: boolean): Promise<ChatLogState>;
}
