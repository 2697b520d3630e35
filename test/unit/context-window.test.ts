import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/domain/chat.js';
import { AppError } from '../../src/domain/errors.js';
import {
  answerReserve,
  defaultNumCtx,
  estimateTokens,
  fitContext,
  NUM_CTX_CAP,
} from '../../src/domain/services/context-window.js';

/** A message of about `tokens` tokens (the text costs tokens - 4, the message itself 4). */
const msg = (role: ChatMessage['role'], tokens: number, tag = ''): ChatMessage => ({
  role,
  content: `${tag}${'x'.repeat(Math.max(0, (tokens - 4) * 4 - tag.length))}`,
});

const sys = msg('system', 100, 'SYS');
const u1 = msg('user', 300, 'U1');
const a1 = msg('assistant', 300, 'A1');
const u2 = msg('user', 300, 'U2');
const a2 = msg('assistant', 300, 'A2');
const u3 = msg('user', 300, 'U3');

/** numCtx 2048 keeps 256 for the answer (an eighth): 1,792 tokens for the prompt. */
const NUM_CTX = 2048;

describe('fitContext: which messages are sent', () => {
  const cases: { name: string; messages: ChatMessage[]; numCtx: number; kept: string[]; dropped: number }[] =
    [
      {
        name: 'everything fits: nothing dropped',
        messages: [sys, u1, a1, u2],
        numCtx: NUM_CTX,
        kept: ['SYS', 'U1', 'A1', 'U2'],
        dropped: 0,
      },
      {
        name: 'the oldest turn (user + its answer) goes first, the system prompt stays',
        messages: [sys, u1, a1, u2, a2, u3],
        numCtx: 1536,
        kept: ['SYS', 'U2', 'A2', 'U3'],
        dropped: 2,
      },
      {
        name: 'several turns go when needed, never the newest user message',
        messages: [sys, u1, a1, u2, a2, u3],
        numCtx: 1024,
        kept: ['SYS', 'U3'],
        dropped: 4,
      },
      {
        name: 'without a system prompt the first message is an ordinary turn',
        messages: [u1, a1, u2, a2, u3],
        numCtx: 1400,
        kept: ['U2', 'A2', 'U3'],
        dropped: 2,
      },
      {
        name: 'an answer after the newest user message (a regenerate) stays with it',
        messages: [sys, u1, a1, u2, a2],
        numCtx: 1200,
        kept: ['SYS', 'U2', 'A2'],
        dropped: 2,
      },
    ];
  for (const test of cases) {
    it(test.name, () => {
      const fit = fitContext({ messages: test.messages, numCtx: test.numCtx });
      expect(fit.messages.map((message) => message.content.replace(/x+$/, ''))).toEqual(test.kept);
      expect(fit.droppedMessages).toBe(test.dropped);
      expect(fit.estimatedTokens).toBeLessThanOrEqual(test.numCtx - answerReserve(test.numCtx, undefined));
    });
  }

  it('is CONTEXT_TOO_LONG when the newest message and the system prompt alone do not fit', () => {
    const huge = msg('user', 3000, 'BIG');
    let thrown: unknown;
    try {
      fitContext({ messages: [sys, u1, a1, huge], numCtx: NUM_CTX });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'CONTEXT_TOO_LONG', details: { num_ctx: NUM_CTX } });
    expect((thrown as AppError).message).toMatch(/Shorten the message/);
  });

  it('keeps max_tokens free for the answer when it is set', () => {
    const messages = [sys, u1, a1, u2];
    expect(fitContext({ messages, numCtx: 1536 }).droppedMessages).toBe(0);
    expect(fitContext({ messages, numCtx: 1536, maxTokens: 700 }).droppedMessages).toBe(2);
  });

  it('counts what tokensOf says (attachments included)', () => {
    const fit = fitContext({
      messages: [sys, u1, a1, u2],
      numCtx: NUM_CTX,
      tokensOf: (message) => (message === u1 ? 5000 : 10),
    });
    expect(fit.droppedMessages).toBe(2);
  });
});

describe('the default num_ctx and the estimate', () => {
  it('is the model context length, capped at 32,768; unknown stays unknown', () => {
    expect(defaultNumCtx(8192)).toBe(8192);
    expect(defaultNumCtx(131_072)).toBe(NUM_CTX_CAP);
    expect(defaultNumCtx(undefined)).toBeUndefined();
  });

  it('counts about 4 characters per token, and a CJK character as one', () => {
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('你好世界')).toBe(4);
  });
});
