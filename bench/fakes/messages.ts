/** The IPC messages between the bench and its fake-provider process. */
export interface FakesReady {
  type: 'ready';
  ollamaUrl: string;
  openaiBaseUrl: string;
  anthropicUrl: string;
  geminiUrl: string;
}

/** One streamed token as the fake emitted it: its text and `lc_emit_ms`. */
export type Emit = [text: string, emitMs: number];

export type FakesRequest =
  | { id: number; type: 'emits'; chatId: string }
  | { id: number; type: 'stats' }
  | { id: number; type: 'forget' };

export type FakesReply =
  | { id: number; type: 'emits'; emits: Emit[] }
  | { id: number; type: 'stats'; ollama: ProviderCounters; openai: ProviderCounters };

export interface ProviderCounters {
  started: number;
  completed: number;
  aborted: number;
  failed: number;
}

/** The model id every fake answers for. */
export const BENCH_MODEL = 'bench';
/** The keys the fake Anthropic and Gemini APIs ask for (fakes on loopback: not secrets). */
export const BENCH_ANTHROPIC_KEY = 'sk-ant-bench-fake-key';
export const BENCH_GEMINI_KEY = 'gemini-bench-fake-key';
