import { parseMarkdownIntoBlocks } from 'streamdown';

/**
 * An answer cut into Markdown blocks: `finished` blocks never change again (a stream only appends),
 * `open` is the text still being written (its last blocks), re-rendered on every update.
 */
export interface BlockSplit {
  finished: readonly string[];
  /** `finished.join('')`: the finished part as one stable string. */
  finishedText: string;
  open: string;
}

/**
 * Blocks kept open at the end of a stream: the last one. Text appended later can only change the
 * block it lands in (a list that gains an item, a paragraph that becomes a setext heading), and that
 * block is the last; the finished answer is split whole again, which settles any doubt.
 */
const OPEN_BLOCKS = 1;

const nothingFinished = (text: string): BlockSplit => ({ finished: [], finishedText: '', open: text });

/**
 * True when `text` is the previous split's text with more added on its last line: every block
 * starts on a line of its own, so nothing added without a line break can finish the open block.
 * (A new line may start a block, `para\n# Heading`: it stays in the open part, which draws it
 * right, until the next line break splits it off.) A long paragraph then costs no split per update.
 */
function extendsOnSameLine(previous: BlockSplit, text: string): boolean {
  const before = previous.finishedText.length + previous.open.length;
  return (
    text.length >= before &&
    !text.includes('\n', before) &&
    text.startsWith(previous.open, previous.finishedText.length) &&
    text.startsWith(previous.finishedText)
  );
}

/**
 * Splits `text` into blocks. While streaming, and when `text` extends the finished part of
 * `previous`, only the text after that part is split again: an update costs the length of the open
 * tail, not of the whole answer. A finished answer (`streaming` false) is split whole, once, so its
 * final blocks are exactly those of the complete text.
 */
export function splitIntoBlocks(previous: BlockSplit | null, text: string, streaming: boolean): BlockSplit {
  if (streaming && previous !== null && extendsOnSameLine(previous, text)) {
    return {
      finished: previous.finished,
      finishedText: previous.finishedText,
      open: text.slice(previous.finishedText.length),
    };
  }
  const base =
    streaming && previous !== null && text.startsWith(previous.finishedText) ? previous : nothingFinished('');
  const blocks = parseMarkdownIntoBlocks(text.slice(base.finishedText.length));
  const keep = streaming ? Math.max(0, blocks.length - OPEN_BLOCKS) : blocks.length;
  const newlyFinished = blocks.slice(0, keep);
  const finishedText = base.finishedText + newlyFinished.join('');
  // The blocks must cover the text exactly (they do unless it has `\r`) to cut the finished part off.
  if (!text.startsWith(finishedText)) return nothingFinished(text);
  return {
    finished: keep === 0 ? base.finished : [...base.finished, ...newlyFinished],
    finishedText,
    open: text.slice(finishedText.length),
  };
}
