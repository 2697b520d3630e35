export type {
  BehaviourSource,
  ChatBehaviour,
  ChatMessage,
  ChatRequestInfo,
} from './chat-behaviour.js';
export { demoBehaviour } from './demo-answer.js';
export type { FakeProviderServer, FakeProviderStats, RecordedRequest } from './fake-http-server.js';
export { DEMO_MODEL, type FakeOllamaModel, type FakeOllamaOptions, startFakeOllama } from './fake-ollama.js';
export { tokenize } from './tokenize.js';
