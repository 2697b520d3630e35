import { fileURLToPath } from 'node:url';
import { Child, tsxArgs } from '../lib/child.js';
import type { Emit, FakesReady, FakesReply, FakesRequest, ProviderCounters } from './messages.js';

type Pending = (reply: FakesReply) => void;
/** A request before it gets its id (`Omit` spread over each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The fake Ollama, OpenAI, Anthropic and Gemini servers, running in a child process. */
export class Fakes {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    private readonly child: Child,
    readonly ollamaUrl: string,
    readonly openaiBaseUrl: string,
    readonly anthropicUrl: string,
    readonly geminiUrl: string,
  ) {
    child.process.on('message', (message: FakesReply) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async start(): Promise<Fakes> {
    const script = fileURLToPath(new URL('./fakes-process.ts', import.meta.url));
    const child = new Child(process.execPath, tsxArgs(script), { ipc: true });
    const ready = await new Promise<FakesReady>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the fake providers did not start: ${child.errorOutput}`)),
        30_000,
      );
      child.process.once('message', (message: FakesReady) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.process.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the fake providers exited (${code}): ${child.errorOutput}`));
      });
    });
    return new Fakes(child, ready.ollamaUrl, ready.openaiBaseUrl, ready.anthropicUrl, ready.geminiUrl);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private ask(request: WithoutId<FakesRequest>): Promise<FakesReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.process.send({ ...request, id });
    });
  }

  /** The tokens the fake Ollama emitted for a stamped chat, with their emit times. */
  async emits(chatId: string): Promise<Emit[]> {
    const reply = await this.ask({ type: 'emits', chatId });
    return reply.type === 'emits' ? reply.emits : [];
  }

  async stats(): Promise<{ ollama: ProviderCounters; openai: ProviderCounters }> {
    const reply = await this.ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error('unexpected reply');
    return { ollama: reply.ollama, openai: reply.openai };
  }

  async forget(): Promise<void> {
    await this.ask({ type: 'forget' });
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
