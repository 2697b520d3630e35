import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../src/domain/attachment.js';
import type { AppError } from '../../src/domain/errors.js';
import type { AttachmentStore } from '../../src/domain/ports/attachment-store.port.js';
import { imageBytes, type ModelInfo } from '../../src/domain/provider.js';
import { ChatService } from '../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { type ProviderType, settingsSchema } from '../../src/domain/settings.js';
import { fakeProvider, MemoryChatLog } from './support/fakes.js';

const id = (char: string) => char.repeat(64);

/** Attached files held in memory: `text` for text files and PDFs, bytes for images. */
function memoryAttachments(files: (Attachment & { text?: string; bytes?: Uint8Array })[]): AttachmentStore {
  const byId = new Map(files.map((file) => [file.id, file]));
  return {
    save: async () => {
      throw new Error('not used');
    },
    get: async (key) => {
      const file = byId.get(key);
      if (!file) return null;
      const { text: _, bytes: __, ...attachment } = file;
      return attachment;
    },
    bytes: async (attachment) => byId.get(attachment.id)?.bytes ?? new Uint8Array(),
    async *chunks(attachment) {
      yield byId.get(attachment.id)?.bytes ?? new Uint8Array();
    },
    text: async (attachment) => byId.get(attachment.id)?.text ?? '',
    remove: async () => {},
  };
}

const image = (char: string, size = 3): Attachment & { bytes: Uint8Array } => ({
  id: id(char),
  sha256: id(char),
  name: `${char}.png`,
  mimeType: 'image/png',
  size,
  kind: 'image',
  bytes: new Uint8Array([1, 2, 3]),
});
const notes: Attachment & { text: string } = {
  id: id('b'),
  sha256: id('b'),
  name: 'notes.md',
  mimeType: 'text/markdown',
  size: 7,
  kind: 'text',
  text: '# Notes',
};
const report: Attachment & { text: string } = {
  id: id('c'),
  sha256: id('c'),
  name: 'report.pdf',
  mimeType: 'application/pdf',
  size: 900,
  kind: 'pdf',
  text: 'Page one',
};

function world(
  options: {
    models?: ModelInfo[];
    type?: ProviderType;
    files?: Parameters<typeof memoryAttachments>[0];
  } = {},
) {
  const provider = fakeProvider({
    models: options.models ?? [{ id: 'm1', name: 'm1' }],
    config: { type: options.type ?? 'ollama' },
  });
  const registry = new ProviderRegistry({
    ollama: () => provider,
    openai: () => provider,
    anthropic: () => provider,
    gemini: () => provider,
  });
  registry.rebuild(
    settingsSchema.parse({ defaultProvider: 'fake', providers: [{ id: 'fake', type: 'ollama' }] }),
  );
  const log = new MemoryChatLog();
  const chat = new ChatService({
    providers: registry,
    log,
    attachments: memoryAttachments(options.files ?? [image('a'), notes, report]),
  });
  return { provider, chat, log };
}

const failure = async (promise: Promise<unknown>): Promise<AppError> => {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a failure');
};

describe('attachments in a chat', () => {
  it('puts text files and PDF text in blocks headed by the file name, before the message', async () => {
    const { chat } = world();
    const prepared = await chat.prepare({
      modelId: 'm1',
      messages: [{ role: 'user', content: 'Summarise these', attachmentIds: [id('b'), id('c')] }],
    });
    expect(prepared.messages[0]?.content).toBe(
      '[File: notes.md]\n# Notes\n[End of file: notes.md]\n\n[File: report.pdf]\nPage one\n[End of file: report.pdf]\n\nSummarise these',
    );
    expect(prepared.attachments?.map((file) => file.name)).toEqual(['notes.md', 'report.pdf']);
  });

  it('sends images apart, as bytes, to a model that sees or says nothing', async () => {
    for (const models of [
      [{ id: 'm1', name: 'm1', capabilities: ['completion', 'vision'] }],
      [{ id: 'm1', name: 'm1' }],
    ]) {
      const { chat } = world({ models: models as ModelInfo[] });
      const prepared = await chat.prepare({
        modelId: 'm1',
        messages: [{ role: 'user', content: 'What is this?', attachmentIds: [id('a')] }],
      });
      expect(prepared.messages[0]?.content).toBe('What is this?');
      const images = prepared.messages[0]?.images ?? [];
      expect(images).toEqual([expect.objectContaining({ name: 'a.png', mimeType: 'image/png', size: 3 })]);
      expect(await imageBytes(images[0]!)).toEqual(new Uint8Array([1, 2, 3]));
    }
  });

  it('refuses an image for a model known not to see, before anything is sent', async () => {
    const { chat, provider } = world({ models: [{ id: 'm1', name: 'm1', capabilities: ['completion'] }] });
    const error = await failure(
      chat.prepare({
        modelId: 'm1',
        messages: [{ role: 'user', content: 'Look', attachmentIds: [id('a')] }],
      }),
    );
    expect(error.code).toBe('ATTACHMENT_UNSUPPORTED');
    expect(error.message).toContain('a.png');
    expect(error.details).toMatchObject({ reason: 'no_vision', model_id: 'm1' });
    expect(provider.requests).toHaveLength(0);
  });

  it("leaves an earlier turn's image out with a note when the model can't see, so the chat goes on", async () => {
    const { chat } = world({ models: [{ id: 'm1', name: 'm1', capabilities: ['completion'] }] });
    const prepared = await chat.prepare({
      modelId: 'm1',
      messages: [
        { role: 'user', content: 'Look', attachmentIds: [id('a')] },
        { role: 'assistant', content: 'A cat.' },
        { role: 'user', content: 'Thanks' },
      ],
    });
    expect(prepared.messages[0]?.images).toBeUndefined();
    expect(prepared.messages[0]?.content).toContain('[Image: a.png');
  });

  it('refuses an image over the API limit (Anthropic: 5 MB) as ATTACHMENT_TOO_LARGE', async () => {
    const big = image('d', 6 * 1024 * 1024);
    const { chat } = world({ type: 'anthropic', files: [big] });
    const error = await failure(
      chat.prepare({
        modelId: 'm1',
        messages: [{ role: 'user', content: 'Look', attachmentIds: [id('d')] }],
      }),
    );
    expect(error.code).toBe('ATTACHMENT_TOO_LARGE');
    expect(error.details).toMatchObject({ name: 'd.png', limit_bytes: 5 * 1024 * 1024 });
  });

  it('answers NOT_FOUND for an id that was never uploaded', async () => {
    const { chat } = world();
    const error = await failure(
      chat.prepare({
        modelId: 'm1',
        messages: [{ role: 'user', content: 'Look', attachmentIds: [id('e')] }],
      }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.details).toEqual({ attachment_id: id('e') });
  });

  it('refuses an id that is not one (VALIDATION_ERROR)', async () => {
    const { chat } = world();
    const error = await failure(
      chat.prepare({
        modelId: 'm1',
        messages: [{ role: 'user', content: 'Look', attachmentIds: ['../etc/passwd'] }],
      }),
    );
    expect(error.code).toBe('VALIDATION_ERROR');
  });

  it('logs what the user wrote and the files by name, not their text', async () => {
    const { chat, log } = world();
    const prepared = await chat.prepare({
      modelId: 'm1',
      messages: [{ role: 'user', content: 'Summarise', attachmentIds: [id('b')] }],
    });
    for await (const _ of chat.stream(prepared, new AbortController().signal)) {
      // drain
    }
    const user = log.entries.find((entry) => entry.role === 'user');
    expect(user?.content).toBe('Summarise');
    expect(user?.details).toMatchObject({
      attachments: [{ name: 'notes.md', mime_type: 'text/markdown', size: 7 }],
    });
  });
});
