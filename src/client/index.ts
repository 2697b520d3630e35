// The package's export (`import { createLightChatClient, streamChat } from 'lightchat'`): CONTRACT section 6.

export type { Health } from '../adapters/api/health.js';
export type { AppRouter } from '../adapters/api/router.js';
export type { ChatEvent, ChatMessage, ChatOptions, ChatRequest } from '../domain/chat.js';
export type { ErrorCode } from '../domain/errors.js';
export type { LogEntry } from '../domain/log-entry.js';
export type { ModelInfo, ProviderInfo } from '../domain/provider.js';
export type { ConfigChange, ConfigView } from '../domain/services/settings-service.js';
export { createLightChatClient, type LightChatClient, type LightChatClientOptions } from './create-client.js';
export { errorCodeOf, errorDetailsOf } from './error-code.js';
export { type StreamChatRequest, streamChat } from './stream-chat.js';
