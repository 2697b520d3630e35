import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../../../src/cli/ask.js';
import { stripTerminalControls, terminalWriter } from '../../../src/cli/terminal-text.js';
import { startWorld, type World } from '../api/support.js';

/** A stream that says it is a terminal (or a pipe) and keeps what was written. */
const fakeStream = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
};

const controlsIn = (text: string) =>
  [...text].filter(
    (char) => char !== '\n' && char !== '\t' && (char < ' ' || (char >= '\x7f' && char <= '\x9f')),
  );

// Clear the screen, set the window title, a split colour, a clipboard write (OSC 52), CR and C1 controls.
const HOSTILE_TOKENS = [
  'Hi \x1b[2J',
  '\x1b]0;pwned\x07there',
  ' \x1b[3',
  '1mred\x1b[0m',
  '\x1b]52;c;ZXZpbA==\x1b',
  '\\ ok\r\u0085\u009b2J\u0007',
  '\tline\n2',
];
const HOSTILE_BYTES = HOSTILE_TOKENS.join('');

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', { name: 'qwen3', thinking: true }, 'broken'],
      behaviour: () => ({ thinking: 'Pon\x1b]0;t\x07der\x1b[1ming.', tokens: HOSTILE_TOKENS }),
      faults: { broken: { status: 500, message: 'model \x1b]0;owned\x07crashed\x1b[2J' } },
    },
  });
});
afterAll(() => world.close());

describe('lightchat ask on a terminal', () => {
  it('strips escape sequences and control characters (except newline and tab) from the answer and the thinking', async () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const code = await ask(
      { url: world.url, config: world.settingsPath, model: 'qwen3', question: 'hi', showThinking: true },
      { stdout, stderr },
    );
    expect(code).toBe(0);
    expect(stdout.text()).toBe('Hi there red ok\tline\n2\n');
    expect(stderr.text()).toBe('\x1b[2mPondering.\x1b[0m\n');
  });

  it('strips an error message from the provider', async () => {
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const code = await ask(
      { url: world.url, config: world.settingsPath, model: 'broken', question: 'hi' },
      { stdout, stderr },
    );
    expect(code).not.toBe(0);
    expect(stderr.text()).toContain('crashed');
    expect(controlsIn(stderr.text())).toEqual([]);
  });

  it('passes the answer through unchanged when stdout is not a terminal', async () => {
    const stdout = fakeStream(false);
    const code = await ask(
      { url: world.url, config: world.settingsPath, model: 'qwen3', question: 'hi' },
      { stdout, stderr: fakeStream(false) },
    );
    expect(code).toBe(0);
    expect(stdout.text()).toBe(`${HOSTILE_BYTES}\n`);
  });
});

describe('terminalWriter', () => {
  it('holds back a sequence split across chunks, so none of it is printed as text', () => {
    const stream = fakeStream(true);
    const writer = terminalWriter(stream);
    for (const chunk of ['a\x1b', ']8;;https://evil.example/', '\x07b\x1b[', '38;5;1', 'mc\x1b'])
      writer.write(chunk);
    expect(stream.text()).toBe('abc');
    writer.write('[1md');
    writer.end();
    expect(stream.text()).toBe('abcd');
  });

  it('writes an unfinished sequence at the end of the stream without its controls', () => {
    const stream = fakeStream(true);
    const writer = terminalWriter(stream);
    writer.write('done\x1b]0;never ended');
    writer.end();
    expect(stream.text()).toBe('done]0;never ended');
    expect(stripTerminalControls('\x1bP1$r0m\x1b\\x\u009d0;t\u009c')).toBe('x');
  });
});
