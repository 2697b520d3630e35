import stripAnsi from 'strip-ansi';

/**
 * Text from a model or a provider, made safe to print on a terminal: a model's answer could
 * otherwise clear the screen, set the window title, or write a link or a clipboard request (OSC 52).
 */

/** C0 controls except tab and newline, DEL and C1 controls: what could still act once sequences are gone. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Where an escape sequence begins: ESC, or a C1 introducer (DCS, SOS, CSI, OSC, PM, APC). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INTRODUCER = /[\u001B\u0090\u0098\u009B\u009D\u009E\u009F]/g;

/** A sequence that has begun but not ended: its end may be in the next chunk of the stream. */
const UNFINISHED = new RegExp(
  [
    String.raw`^(?:\u001B\[|\u009B)[\u0030-\u003F]*[\u0020-\u002F]*$`, // CSI, before its final byte
    String.raw`^(?:\u001B[\]PX^_k]|[\u0090\u0098\u009D\u009E\u009F])[^\u0007\u0018\u001A\u001B\u0080-\u009F]*\u001B?$`, // OSC/DCS…, before BEL or ESC \
    String.raw`^\u001B[\u0020-\u002F]*$`, // ESC alone or with intermediates
  ].join('|'),
);

/** A sequence split across chunks is held back at most this long; a longer one is cut. */
const MAX_HELD = 512;

/** The text with every escape sequence and control character removed, except newline and tab. */
export function stripTerminalControls(text: string): string {
  return stripAnsi(text).replace(CONTROLS, '');
}

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface TextWriter {
  write(text: string): void;
  /** Writes what is held back (an unfinished sequence: stripped). */
  end(): void;
}

/**
 * Writes streamed text to `stream` as it comes; only on a terminal is it stripped (a pipe gets the
 * model's bytes as they are). A sequence split across chunks is held until it is complete.
 */
export function terminalWriter(stream: OutputStream): TextWriter {
  if (stream.isTTY !== true) return { write: (text) => void stream.write(text), end: () => {} };
  let held = '';
  const emit = (text: string) => {
    const safe = stripTerminalControls(text);
    if (safe) stream.write(safe);
  };
  return {
    write(text) {
      const all = held + text;
      const cut = unfinishedStart(all);
      held = all.slice(cut);
      emit(all.slice(0, cut));
    },
    end() {
      emit(held);
      held = '';
    },
  };
}

/** Where an unfinished sequence at the end of `text` starts; `text.length` when there is none. */
function unfinishedStart(text: string): number {
  const from = Math.max(0, text.length - MAX_HELD);
  for (const match of text.slice(from).matchAll(INTRODUCER)) {
    const start = from + match.index;
    if (UNFINISHED.test(text.slice(start))) return start;
  }
  return text.length;
}
