import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, postChat, readSse, startWorld, summarise, type World } from './support.js';

/** An answer far larger than the capped database can take (about 400 KB). */
const HUGE = Array.from({ length: 40_000 }, (_, i) => `w${i}`).join(' ');

let world: World;
beforeAll(async () => {
  world = await startWorld({
    history: true,
    // The failure injected at the adapter: SQLite's own page cap, hit like a full disk (SQLITE_FULL).
    historyMaxPageCount: 40,
    ollama: {
      models: ['llama3.2', 'huge'],
      behaviour: (request) => ({ text: request.model === 'huge' ? HUGE : 'small answer' }),
    },
  });
});
afterAll(() => world.close());

const get = async (path: string) =>
  (await fetch(`${world.url}${path}`, { headers: authHeader(world.token) })).json();

describe('a full disk while an answer streams (CONTRACT section 10)', () => {
  it('the answer still streams whole, the error is shown and logged, nothing stored before is lost', async () => {
    const first = await readSse(await postChat(world, { conversation_id: 'new', prompt: 'keep me' }));
    const id = (first.events[0]!.data as { conversation_id: string }).conversation_id;
    expect(first.events.at(-1)?.event).toBe('done');

    const big = await readSse(
      await postChat(world, { conversation_id: id, prompt: 'a very long answer', model_id: 'huge' }),
    );
    const { text, last } = summarise(big.events);
    expect(text).toBe(HUGE);
    expect(last).toMatchObject({
      event: 'done',
      data: {
        conversation_id: id,
        history_error: { error_code: 'HISTORY_UNAVAILABLE', message: expect.stringContaining('full') },
      },
    });

    const logged = (await get('/logs?limit=100')) as { event_type?: string; details?: { reason?: string } }[];
    expect(
      logged.some((entry) => entry.event_type === 'history_error' && entry.details?.reason === 'disk_full'),
    ).toBe(true);

    // Nothing stored before was lost; the answer that did not fit keeps what was written of it, with
    // a final status, so the conversation is not left busy.
    const stored = await get(`/conversations/${id}`);
    const rows = stored.messages.map((m: { content: string; status: string }) => [m.content, m.status]);
    expect(rows.slice(0, 3)).toEqual([
      ['keep me', 'done'],
      ['small answer', 'done'],
      ['a very long answer', 'done'],
    ]);
    expect(rows[3][1]).toBe('error');
    expect(HUGE.startsWith(rows[3][0])).toBe(true);
    const next = await readSse(await postChat(world, { conversation_id: id, prompt: 'still here?' }));
    expect(next.events.at(-1)?.event).toBe('done');
  });
});
