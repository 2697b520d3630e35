import { ATTACHMENT_LIMIT_BYTES, type AttachmentKind, formatBytes } from './attachment.js';
import { AppError } from './errors.js';

/**
 * What a file is, told from its first bytes (never from its name alone), checked against its name
 * and the type the client declared: a `.png` that is not a PNG is refused with a clear error.
 */

export interface FileType {
  kind: AttachmentKind;
  mimeType: string;
}

/** How many leading bytes the magic numbers below need. */
export const SNIFF_BYTES = 12;

const LABELS: Record<string, string> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'image/gif': 'a GIF image',
  'image/webp': 'a WebP image',
  'application/pdf': 'a PDF',
  text: 'a text file',
};

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  bytes.every((byte, index) => head[at + index] === byte);
const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

/** The image and PDF types LightChat takes, by their magic numbers; null for anything else. */
export function sniffMagic(head: Uint8Array): FileType | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { kind: 'image', mimeType: 'image/png' };
  }
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', mimeType: 'image/jpeg' };
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) {
    return { kind: 'image', mimeType: 'image/gif' };
  }
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) {
    return { kind: 'image', mimeType: 'image/webp' };
  }
  if (startsWith(head, ascii('%PDF-'))) return { kind: 'pdf', mimeType: 'application/pdf' };
  return null;
}

/** Names whose extension promises an image or a PDF. */
const BINARY_EXTENSIONS: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
};

/** Text types worth naming; any other UTF-8 file is `text/plain`. */
const TEXT_TYPES: Record<string, string> = {
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  xml: 'text/xml',
};

/** Extensions of text files: a file named so that holds an image or a PDF is not what it says. */
const TEXT_EXTENSIONS = new Set([
  ...Object.keys(TEXT_TYPES),
  ...'txt text log ini cfg conf toml yaml yml env rst adoc tex org js mjs cjs jsx ts tsx mts cts py rb go rs java kt kts scala swift c h cc cpp cxx hpp cs php pl lua r dart sh bash zsh fish ps1 sql graphql proto vue svelte diff patch ndjson jsonl'.split(
    ' ',
  ),
]);

/** Declared types that say "text" (a browser labels source files in many ways). */
const isTextType = (type: string): boolean =>
  type.startsWith('text/') ||
  /^application\/(json|x-ndjson|xml|javascript|x-javascript|typescript|x-typescript|x-sh|x-yaml|yaml|toml|sql|x-python|x-httpd-php|ld\+json)$/.test(
    type,
  ) ||
  type.endsWith('+json') ||
  type.endsWith('+xml');

/** A declared type that says nothing about the content. */
const isVague = (type: string | null): boolean =>
  type === null || type === '' || type === 'application/octet-stream' || type === 'binary/octet-stream';

export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/** `image/jpg` and other spellings seen in the wild, and parameters such as `; charset=utf-8` dropped. */
export function normaliseType(declared: string | null | undefined): string | null {
  if (!declared) return null;
  const type = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'image/jpg' || type === 'image/pjpeg') return 'image/jpeg';
  return type || null;
}

const unsupported = (name: string, message: string, details: Record<string, unknown>): AppError =>
  new AppError('ATTACHMENT_UNSUPPORTED', message, { details: { name, ...details } });

const TAKES =
  'LightChat takes images (PNG, JPEG, WebP, GIF), PDFs and UTF-8 text files (source, Markdown, CSV, JSON).';

/**
 * The file's kind and type from its first bytes, its name and the declared type. Throws
 * `ATTACHMENT_UNSUPPORTED` when they disagree. A file with no magic number is taken as text: its
 * bytes are checked as UTF-8 while they arrive (`TextCheck`).
 */
export function classifyFile(input: {
  name: string;
  declaredType: string | null;
  head: Uint8Array;
}): FileType {
  const { name } = input;
  const declared = normaliseType(input.declaredType);
  const fromName = BINARY_EXTENSIONS[extensionOf(name)];
  const sniffed = sniffMagic(input.head);
  if (sniffed) {
    const promised = fromName ?? (TEXT_EXTENSIONS.has(extensionOf(name)) ? 'text' : undefined);
    if (promised !== undefined && promised !== sniffed.mimeType) {
      throw mismatch(name, promised, sniffed.mimeType);
    }
    if (!isVague(declared) && declared !== sniffed.mimeType)
      throw mismatch(name, declared ?? '', sniffed.mimeType);
    return sniffed;
  }
  if (fromName) throw mismatch(name, fromName, null);
  if (declared && (declared.startsWith('image/') || declared === 'application/pdf')) {
    throw mismatch(name, declared, null);
  }
  if (!isVague(declared) && declared && !isTextType(declared)) {
    throw unsupported(name, `"${name}" is ${declared}, which LightChat cannot send to a model. ${TAKES}`, {
      reason: 'unsupported_type',
      mime_type: declared,
    });
  }
  return { kind: 'text', mimeType: TEXT_TYPES[extensionOf(name)] ?? 'text/plain' };
}

function mismatch(name: string, promised: string, found: string | null): AppError {
  const expected = LABELS[promised] ?? promised;
  const actual = found === null ? 'something else' : (LABELS[found] ?? found);
  return unsupported(
    name,
    `"${name}" is not ${expected}: its content is ${actual}. Check that it is the file you meant, or give it the right name.`,
    { reason: 'type_mismatch', expected: promised, found },
  );
}

export function tooLarge(name: string, kind: AttachmentKind, size?: number): AppError {
  const limit = ATTACHMENT_LIMIT_BYTES[kind];
  const what = kind === 'image' ? 'An image' : kind === 'pdf' ? 'A PDF' : 'A text file';
  return new AppError(
    'ATTACHMENT_TOO_LARGE',
    `"${name}" is too large: ${what.toLowerCase()} may be at most ${formatBytes(limit)}${
      size === undefined ? '' : ` (this one is ${formatBytes(size)})`
    }.`,
    { details: { name, kind, limit_bytes: limit, ...(size === undefined ? {} : { size }) } },
  );
}

/**
 * Checks, chunk by chunk, that a file is UTF-8 text (no NUL characters, which only binary files
 * hold), so a binary file is refused without being kept whole in memory.
 */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly name: string) {}

  push(chunk: Uint8Array): void {
    this.check(() => this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    this.check(() => this.decoder.decode());
  }

  private check(decode: () => string): void {
    let text: string;
    try {
      text = decode();
    } catch {
      throw this.notText();
    }
    if (text.includes('\u0000')) throw this.notText();
  }

  private notText(): AppError {
    return unsupported(this.name, `"${this.name}" is not a file LightChat can send: it is binary. ${TAKES}`, {
      reason: 'not_text',
    });
  }
}

/** What a whole text file must also be: a `.json` file must parse. */
export function checkText(name: string, type: FileType, text: string): void {
  if (type.mimeType !== 'application/json') return;
  try {
    JSON.parse(text);
  } catch (error) {
    throw unsupported(
      name,
      `"${name}" is not valid JSON (${error instanceof Error ? error.message : String(error)}). Fix the file, or give it another extension to send it as plain text.`,
      { reason: 'invalid_json' },
    );
  }
}
