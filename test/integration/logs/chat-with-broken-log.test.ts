import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { JsonlChatLog } from '../../../src/adapters/logs/jsonl-chat-log.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import { ChatService } from '../../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../../src/domain/services/provider-registry.js';
import { settingsSchema } from '../../../src/domain/settings.js';
import { fakeProvider } from '../../unit/support/fakes.js';
import { logSettings, tempDir } from './support.js';

it('a chat streams to its end when the log directory cannot be written', async () => {
  const blocker = join(await tempDir(), 'a-file');
  await writeFile(blocker, '');
  const log = new JsonlChatLog(logSettings(join(blocker, 'logs')));
  const provider = fakeProvider({ attempts: [{ tokens: ['Hel', 'lo'] }] });
  const providers = new ProviderRegistry({
    ollama: () => provider,
    openai: () => provider,
    anthropic: () => provider,
    gemini: () => provider,
  });
  providers.rebuild(
    settingsSchema.parse({ defaultProvider: 'fake', providers: [{ id: 'fake', type: 'ollama' }] }),
  );
  const chat = new ChatService({ providers, log });

  const events: ChatEvent[] = [];
  for await (const event of chat.answer(
    { messages: [{ role: 'user', content: 'Hi' }] },
    new AbortController().signal,
  )) {
    events.push(event);
  }
  await log.flush();

  expect(events.at(-1)?.type).toBe('done');
  expect(log.state().writeError).toMatch(/ENOTDIR/);
  const roles = (await log.recent(10)).map((entry) => entry.role);
  expect(roles).toEqual(expect.arrayContaining(['user', 'assistant', 'error']));
  await log.close();
});
