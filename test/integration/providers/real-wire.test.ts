import { describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import { AppError } from '../../../src/domain/errors.js';
import { ChatService } from '../../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../../src/domain/services/provider-registry.js';
import { type ProviderConfig, settingsSchema } from '../../../src/domain/settings.js';
import { MemoryChatLog } from '../../unit/support/fakes.js';
import { type Cutting, loadRecordings, type Recording, replayServer } from './recorded-wire.js';
import { drain, textOf } from './support.js';

/**
 * The adapters against what real servers sent (shared/data/real-wire): every recorded stream and
 * error of the APIs LightChat speaks, served byte for byte from a loopback server, once an event
 * per write and once cut at awkward places.
 */
const SPOKEN: ReadonlySet<Recording['api']> = new Set(['openai', 'ollama', 'anthropic', 'gemini']);
const recordings = loadRecordings().filter((recording) => SPOKEN.has(recording.api));
/** Keys the cloud APIs' adapters need before they send anything (never checked by the replay). */
const ENV = { ANTHROPIC_API_KEY: 'sk-ant-recorded', GEMINI_API_KEY: 'gemini-recorded' };
const streams = recordings.filter((recording) => recording.kind !== 'error');
const failures = recordings.filter((recording) => recording.kind === 'error');
const cuttings: Cutting[] = ['per-event', 'awkward'];

function configAt(recording: Recording, url: string): ProviderConfig {
  return {
    id: 'recorded',
    name: null,
    type: recording.api,
    host: recording.api === 'openai' ? `${url}/v1` : url,
    defaultModel: null,
    systemPrompt: null,
  };
}

/** The recording relayed by the real adapter behind the real ChatService. */
async function relay(recording: Recording, url: string) {
  const config = configAt(recording, url);
  const providers = new ProviderRegistry(createProviderFactories({ env: ENV }));
  providers.rebuild(
    settingsSchema.parse({
      defaultProvider: 'recorded',
      providers: [{ id: 'recorded', type: config.type, host: config.host }],
    }),
  );
  const chat = new ChatService({ providers, log: new MemoryChatLog() });
  const events: ChatEvent[] = [];
  try {
    for await (const event of chat.answer(
      { messages: [{ role: 'user', content: 'Hi' }], modelId: recording.model },
      new AbortController().signal,
    )) {
      events.push(event);
    }
    return { events, error: undefined };
  } catch (error) {
    if (error instanceof AppError) return { events, error };
    throw error;
  }
}

const joined = (events: ChatEvent[], type: 'token' | 'thinking') =>
  events.map((event) => (event.type === type ? event.text : '')).join('');

describe('recorded real streams, relayed as the provider sent them', () => {
  it('finds the recordings next to the repository', () => {
    expect(streams.length).toBeGreaterThanOrEqual(15);
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(cuttings)('written %s', (cutting) => {
    it.each(streams.map((recording) => [recording.id, recording] as const))('%s', async (_id, recording) => {
      const server = await replayServer(recording, cutting);
      try {
        const { events, error } = await relay(recording, server.url);
        const { expect: want } = recording;
        expect(joined(events, 'token')).toBe(want.text);
        expect(joined(events, 'thinking')).toBe(want.thinking);
        if (want.error_code) {
          expect(error?.code).toBe(want.error_code);
          return;
        }
        expect(error).toBeUndefined();
        const done = events.at(-1);
        expect(done?.type).toBe('done');
        if (done?.type !== 'done') return;
        expect(done.finishReason).toBe(want.finish_reason);
        if (want.usage) {
          expect(done.usage).toEqual({
            promptTokens: want.usage.prompt_tokens,
            completionTokens: want.usage.completion_tokens,
          });
        }
      } finally {
        await server.close();
      }
    });
  });

  it.each(failures.map((recording) => [recording.id, recording] as const))(
    '%s: the recorded error answer maps to its error code on every route that sends it',
    async (_id, recording) => {
      const server = await replayServer(recording, 'per-event');
      try {
        const provider = createProviderFactories({ env: ENV })[recording.api](
          configAt(recording, server.url),
        );
        const { chunks, error } = await drain(provider, { model: recording.model });
        expect(textOf(chunks)).toBe('');
        expect(error?.code).toBe(recording.expect.error_code);
        // The provider's own sentence keeps its one full stop (never "it.. Pick another").
        expect(error?.message).not.toMatch(/[^.]\.\.(\s|$)/);
        if (recording.error_paths?.includes('models')) {
          await expect(provider.listModels()).rejects.toMatchObject({ code: recording.expect.error_code });
        }
      } finally {
        await server.close();
      }
    },
  );
});
