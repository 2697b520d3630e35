import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttachmentFiles } from '../../../src/adapters/store/attachment-files.js';
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import type { Attachment } from '../../../src/domain/attachment.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';
import {
  cleanUnsentFiles,
  UNSENT_FILE_MAX_AGE_MS,
  UNSENT_FILE_SWEEP_MS,
} from '../../../src/domain/services/unsent-files.js';
import { doneEvent, openStore, tempDataDir } from './support.js';

const HOUR = 60 * 60 * 1000;

async function world() {
  const dataDir = tempDataDir();
  const files = new AttachmentFiles({ dir: join(dataDir, 'attachments') });
  const store = await openStore(dataDir);
  const service = new ConversationService({
    store,
    temporary: new MemoryConversationStore(),
    attachments: files,
  });
  const upload = (name: string, text: string) =>
    files.save({
      name,
      declaredType: 'text/plain',
      body: (async function* () {
        yield new TextEncoder().encode(text);
      })(),
    });
  async function sendWith(file: Attachment, temporary = false) {
    const plan = await service.planTurn({
      conversationId: 'new',
      temporary,
      prompt: 'Read this',
      attachmentIds: [file.id],
    });
    const turn = await service.beginTurn(
      { ...plan, attachments: [file] },
      { providerId: 'p', modelId: 'm' },
      { onError: () => {} },
    );
    await turn.finish(doneEvent);
  }
  const onDisk = (file: Attachment) => existsSync(join(dataDir, 'attachments', file.id));
  return { service, upload, sendWith, onDisk };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('files uploaded and never sent (CONTRACT section 12)', () => {
  it('are removed a day after their upload; files a stored or temporary message uses never are', async () => {
    const { service, upload, sendWith, onDisk } = await world();
    const sent = await upload('sent.txt', 'kept: a stored message uses me');
    const temporary = await upload('temporary.txt', 'kept: a temporary chat uses me');
    const unsent = await upload('unsent.txt', 'nobody sent me');
    await sendWith(sent);
    await sendWith(temporary, true);

    // A clock 23 hours on: every file is younger than a day.
    expect(await service.removeUnsentFiles(Date.now() + 23 * HOUR - UNSENT_FILE_MAX_AGE_MS)).toEqual([]);
    expect(onDisk(unsent)).toBe(true);

    // 25 hours on: only the file no message uses goes.
    expect(await service.removeUnsentFiles(Date.now() + 25 * HOUR - UNSENT_FILE_MAX_AGE_MS)).toEqual([
      unsent.id,
    ]);
    expect([onDisk(sent), onDisk(temporary), onDisk(unsent)]).toEqual([true, true, false]);
  });

  it('are looked for at start-up and then daily, a day back from the clock given', async () => {
    vi.useFakeTimers();
    const asked: number[] = [];
    const removeUnsentFiles = async (time: number) => {
      asked.push(time);
      return asked.length === 2 ? ['a'.repeat(64)] : [];
    };
    let now = 1_000 * HOUR;
    const removed: string[][] = [];
    const cleanup = cleanUnsentFiles({
      conversations: { removeUnsentFiles },
      now: () => now,
      onRemoved: (ids) => removed.push(ids),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([1_000 * HOUR - UNSENT_FILE_MAX_AGE_MS]);
    now += UNSENT_FILE_SWEEP_MS;
    await vi.advanceTimersByTimeAsync(UNSENT_FILE_SWEEP_MS);
    expect(asked).toEqual([1_000 * HOUR - UNSENT_FILE_MAX_AGE_MS, 1_024 * HOUR - UNSENT_FILE_MAX_AGE_MS]);
    expect(removed).toEqual([['a'.repeat(64)]]);
    cleanup.close();
    await vi.advanceTimersByTimeAsync(UNSENT_FILE_SWEEP_MS);
    expect(asked).toHaveLength(2);
  });
});
