import { describe, expect, it } from 'vitest';
import { waitFor } from '../../fixtures/wait-for.js';
import { historyWorld } from './support.js';

describe('history search', () => {
  it('finds substrings of final messages and titles, with the match marked and the rest escaped', async () => {
    const { service, send } = await historyWorld();
    const turn = await send(
      { conversationId: 'new', prompt: 'How do I use <vector> in C++?' },
      'Include <vector> & go',
    );
    const results = await service.search('vector');
    expect(results[0]).toMatchObject({
      conversationId: turn.conversationId,
      conversationTitle: 'How do I use <vector> in C++?',
      messageId: null,
      snippet: 'How do I use &lt;<mark>vector</mark>&gt; in C++?',
    });
    const answer = results.find((result) => result.messageId === turn.assistantMessageId);
    expect(answer).toMatchObject({
      role: 'assistant',
      snippet: 'Include &lt;<mark>vector</mark>&gt; &amp; go',
    });
  });

  it('treats every word as plain text (c++, quotes, -x, AND) and requires all of them', async () => {
    const { service, send } = await historyWorld();
    await send({ conversationId: 'new', prompt: 'templates in c++ are "fun" -xyz AND more' });
    await send({ conversationId: 'new', prompt: 'only c++ here' });
    const hits = async (query: string) =>
      (await service.search(query)).filter((result) => result.messageId !== null);
    expect(await hits('c++ "fun"')).toHaveLength(1);
    expect(await hits('-xyz')).toHaveLength(1);
    expect(await hits('AND more')).toHaveLength(1);
    expect(await hits('c++')).toHaveLength(2);
    expect(await hits('c++ missing')).toHaveLength(0);
  });

  it('finds CJK words and two-character queries (the LIKE path), newest first', async () => {
    const { service, send } = await historyWorld();
    const older = await send({ conversationId: 'new', prompt: '你好世界' }, '世界很大');
    const newer = await send({ conversationId: 'new', prompt: '问题' }, '世界和平');
    expect((await service.search('好世界')).map((result) => result.conversationId)).toContain(
      older.conversationId,
    );
    const two = (await service.search('世界')).filter((result) => result.messageId !== null);
    expect(two.map((result) => result.messageId)).toEqual([
      newer.assistantMessageId,
      older.assistantMessageId,
      older.userMessageId,
    ]);
    expect(two[0]?.snippet).toBe('<mark>世界</mark>和平');
  });

  it('indexes an answer only once it ends', async () => {
    const { service, send } = await historyWorld();
    const first = await send({ conversationId: 'new', prompt: 'q' });
    const plan = await service.planTurn({ conversationId: first.conversationId, prompt: 'next' });
    const turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    turn.append({ type: 'token', text: 'platypus' });
    // The flush of the text so far (within a second) must not index it either.
    let stored = '';
    await waitFor(() => {
      void service.get(first.conversationId).then((got) => {
        stored = got.messages.at(-1)?.content ?? '';
      });
      return stored === 'platypus';
    }, 10_000);
    expect(await service.search('platypus')).toEqual([]);
    await turn.finish({
      type: 'done',
      finishReason: 'stop',
      providerId: 'p',
      modelId: 'm',
      usage: { promptTokens: 1, completionTokens: 1 },
      stats: { ttftMs: 1, durationMs: 1, tokensPerS: 1 },
    });
    expect((await service.search('platypus')).map((result) => result.messageId)).toEqual([
      turn.assistantMessageId,
    ]);
  });
});
