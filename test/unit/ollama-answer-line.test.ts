import { describe, expect, it } from 'vitest';
import { answerTextOf, readOllamaLines } from '../../src/adapters/providers/ollama-fetch.js';
import { AppError } from '../../src/domain/errors.js';

/** A line as Ollama writes one token of an answer. */
const tokenLine = (content: string, model = 'llama3.2', createdAt = '2026-12-02T23:10:00.123456789Z') =>
  JSON.stringify({ model, created_at: createdAt, message: { role: 'assistant', content }, done: false });

const texts = [
  'Hello',
  ' world.',
  '',
  'She said "hi"',
  'a\\b',
  'tab\there',
  'line\nbreak',
  '\u0000\u001f',
  '<think>',
  '\u00e9\u4e2d\ud83d\ude00',
  '},"done":false}',
  '\\',
];

describe("the answer's text of an Ollama line, read without JSON.parse", () => {
  it('reads every token line as JSON.parse does, whatever its text holds', () => {
    for (const text of texts) {
      const line = tokenLine(text);
      expect(answerTextOf(line)).toBe(text);
      expect(answerTextOf(line)).toBe((JSON.parse(line) as { message: { content: string } }).message.content);
    }
    // Go's encoder writes <, > and & as \u003c, \u003e and \u0026.
    expect(answerTextOf(tokenLine('<b>').replace('<b>', '\\u003cb\\u003e'))).toBe('<b>');
  });

  it('leaves every other line to JSON.parse', () => {
    const others = [
      // Thinking, tool calls, the done line, an error, other field orders, a model name with a quote.
      JSON.stringify({
        model: 'm',
        created_at: 't',
        message: { role: 'assistant', content: '', thinking: 'hm' },
        done: false,
      }),
      JSON.stringify({
        model: 'm',
        created_at: 't',
        message: { role: 'assistant', content: '', tool_calls: [] },
        done: false,
      }),
      JSON.stringify({
        model: 'm',
        created_at: 't',
        message: { role: 'assistant', content: '' },
        done: true,
      }),
      '{"error":"model not found"}',
      JSON.stringify({
        created_at: 't',
        model: 'm',
        message: { role: 'assistant', content: 'x' },
        done: false,
      }),
      tokenLine('x', 'a"b'),
      tokenLine('x', 'm', 't\\u0041'),
      // Not JSON at all: the text's quote ends its string early, or the two ends share a quote.
      '{"model":"m","created_at":"t","message":{"role":"assistant","content":"a"b"},"done":false}',
      '{"model":"m","created_at":"t","message":{"role":"assistant","content":"a\\"},"done":false}',
      '{"model":"m","created_at":"t","message":{"role":"assistant","content":"},"done":false}',
      '{"model":"m","created_at":"t","message":{"role":"assistant","content":"a\tb"},"done":false}',
      '{"model":"m","created_at":"t","message":{"role":"assistant","content":"a","x":"b"},"done":false}',
    ];
    for (const line of others) expect(answerTextOf(line)).toBeUndefined();
  });

  it('a malformed line still ends the stream with its problem, after the good lines before it', async () => {
    const body = [
      tokenLine('a'),
      '{"model":"m","created_at":"t","message":{"role":"assistant","content":"a\tb"},"done":false}',
      tokenLine('c'),
    ]
      .map((line) => `${line}\n`)
      .join('');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const problems: unknown[] = [];
    const seen: unknown[] = [];
    const read = async () => {
      for await (const lines of readOllamaLines(stream, (problem) => {
        problems.push(problem);
        return new AppError('PROVIDER_ERROR', 'bad line');
      }))
        seen.push(...lines);
    };
    await expect(read()).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(seen).toEqual([{ message: { content: 'a' } }]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'malformed' })]);
  });
});
