import { z } from 'zod';
import { tokenize } from '../../src/demo/tokenize.js';
import { seededRandom } from './seeded-random.js';

/**
 * What the bench asks a fake model for. The spec travels as the prompt (`BENCH {...}`), so the fake
 * and the bench client derive the same answer from it without sharing state.
 */
export const answerSpecSchema = z.strictObject({
  /** `prose`: words and punctuation; `tagged`: tokens naming the chat and their index; `markdown`: the UI document. */
  kind: z.enum(['prose', 'tagged', 'markdown', 'warmup']),
  tokens: z.number().int().nonnegative(),
  /** Tokens per second; 0: as fast as the socket takes them. */
  rate: z.number().nonnegative().default(0),
  /** Stamp each chunk with the fake's emit time (`lc_emit_ms`). */
  stamp: z.boolean().default(false),
  /** Makes the prompt (and, for `tagged`, the answer) unique. */
  id: z.string().default(''),
});
export type AnswerSpec = z.input<typeof answerSpecSchema>;

const PREFIX = 'BENCH ';

export function promptFor(spec: AnswerSpec): string {
  return PREFIX + JSON.stringify(spec);
}

/** The spec in a prompt, or undefined when the prompt is not a bench prompt. */
export function specOf(prompt: string): z.output<typeof answerSpecSchema> | undefined {
  if (!prompt.startsWith(PREFIX)) return undefined;
  const parsed = answerSpecSchema.safeParse(JSON.parse(prompt.slice(PREFIX.length)));
  return parsed.success ? parsed.data : undefined;
}

const cache = new Map<string, string[]>();

/** The exact tokens a fake streams for a spec (memoised: the big answers are built once per process). */
export function answerTokens(input: AnswerSpec): string[] {
  const spec = answerSpecSchema.parse(input);
  const key = `${spec.kind}:${spec.tokens}:${spec.kind === 'tagged' ? spec.id : ''}`;
  let tokens = cache.get(key);
  if (!tokens) {
    tokens = build(spec);
    cache.set(key, tokens);
  }
  return tokens;
}

export function answerText(spec: AnswerSpec): string {
  return answerTokens(spec).join('');
}

function build(spec: z.output<typeof answerSpecSchema>): string[] {
  switch (spec.kind) {
    case 'prose':
      return proseTokens(spec.tokens, 1);
    case 'tagged':
      return Array.from({ length: spec.tokens }, (_, index) => ` ${spec.id}.${index}`);
    case 'markdown':
      return tokenize(markdownDocument(spec.tokens));
    case 'warmup':
      return tokenize(warmupDocument());
  }
}

const WORDS = [
  'the',
  'model',
  'streams',
  'an',
  'answer',
  'token',
  'by',
  'token',
  'while',
  'LightChat',
  'relays',
  'every',
  'piece',
  'to',
  'its',
  'client',
  'local',
  'first',
  'and',
  'fast',
  'with',
  'logs',
  'kept',
  'in',
  'JSON',
  'lines',
  'a',
  'provider',
  'may',
  'be',
  'Ollama',
  'or',
  'OpenAI',
  'compatible',
  'server',
  'settings',
  'reload',
  'live',
  'without',
  'restart',
  'of',
  'desktop',
  'window',
  'browser',
  'page',
];
const PUNCTUATION = [',', '.', ';', ':', '!', '?'];

/** Exactly `count` word-ish tokens of prose (a word with its leading space, or a punctuation mark). */
function proseTokens(count: number, seed: number): string[] {
  const next = seededRandom(seed);
  const tokens: string[] = [];
  let sinceBreak = 0;
  while (tokens.length < count) {
    if (sinceBreak > 6 && next() < 0.15) {
      tokens.push(PUNCTUATION[Math.floor(next() * PUNCTUATION.length)]!);
      sinceBreak = 0;
    } else {
      tokens.push(`${tokens.length === 0 ? '' : ' '}${WORDS[Math.floor(next() * WORDS.length)]}`);
      sinceBreak++;
    }
  }
  return tokens;
}

function sentence(next: () => number, words: number): string {
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    let word = WORDS[Math.floor(next() * WORDS.length)]!;
    if (i === 0) word = word[0]!.toUpperCase() + word.slice(1);
    if (i > 2 && next() < 0.08) word = `**${word}**`;
    else if (i > 2 && next() < 0.06) word = `\`${word}\``;
    parts.push(word);
  }
  return `${parts.join(' ')}.`;
}

/** The languages of the UI document's code blocks (the warm-up answer uses the same ones). */
export const CODE_LANGUAGES = [
  'typescript',
  'python',
  'rust',
  'go',
  'bash',
  'json',
  'sql',
  'java',
  'css',
  'yaml',
];

const CODE: Record<string, string> = {
  typescript: `export async function* relay(stream: AsyncIterable<string>): AsyncGenerator<string> {\n  for await (const token of stream) {\n    if (token.length > 0) yield token;\n  }\n}\nconst answer: string[] = [];\nfor await (const token of relay(source)) answer.push(token);`,
  python: `import asyncio\n\nasync def relay(stream):\n    async for token in stream:\n        if token:\n            yield token\n\nanswer = [t async for t in relay(source)]\nprint("".join(answer))`,
  rust: `pub fn relay(tokens: &[String]) -> String {\n    let mut answer = String::with_capacity(tokens.len() * 4);\n    for token in tokens.iter().filter(|t| !t.is_empty()) {\n        answer.push_str(token);\n    }\n    answer\n}`,
  go: `func Relay(tokens <-chan string, out chan<- string) {\n\tdefer close(out)\n\tfor token := range tokens {\n\t\tif token != "" {\n\t\t\tout <- token\n\t\t}\n\t}\n}`,
  bash: `#!/usr/bin/env bash\nset -euo pipefail\nfor model in llama3.2 qwen3; do\n  curl -sN http://127.0.0.1:8000/chat -d "{\\"prompt\\": \\"hi\\", \\"model_id\\": \\"$model\\"}"\ndone`,
  json: `{\n  "default_provider": "ollama_local",\n  "logging_enabled": true,\n  "providers": [\n    { "id": "ollama_local", "type": "ollama", "host": "http://127.0.0.1:11434" }\n  ]\n}`,
  sql: `SELECT provider_id, model_id, COUNT(*) AS chats, AVG(ttft_ms) AS ttft\nFROM chat_log\nWHERE role = 'assistant' AND ts > NOW() - INTERVAL '7 days'\nGROUP BY provider_id, model_id\nORDER BY chats DESC;`,
  java: `public final class Relay {\n    public static String join(List<String> tokens) {\n        StringBuilder answer = new StringBuilder();\n        for (String token : tokens) {\n            if (!token.isEmpty()) answer.append(token);\n        }\n        return answer.toString();\n    }\n}`,
  css: `.conversation article {\n  max-width: 72ch;\n  margin: 0 auto 1rem;\n  line-height: 1.55;\n}\n.conversation pre code {\n  white-space: pre;\n  font-family: ui-monospace, monospace;\n}`,
  yaml: `default_provider: ollama_local\nlogging_enabled: true\napi:\n  enabled: true\n  port: 8000\nproviders:\n  - id: ollama_local\n    type: ollama\n    host: http://127.0.0.1:11434`,
};

function codeBlock(language: string): string {
  return `\`\`\`${language}\n${CODE[language]}\n\`\`\``;
}

const TABLE = [
  '| provider | first token | tokens/s | notes |',
  '|---|---:|---:|---|',
  '| Ollama (local) | 41 ms | 58.2 | llama3.2, Q4_K_M |',
  '| OpenAI | 380 ms | 92.4 | gpt-4o-mini |',
  '| llama.cpp | 22 ms | 71.0 | OpenAI-compatible |',
  '| LM Studio | 35 ms | 64.8 | OpenAI-compatible |',
].join('\n');

/**
 * The long Markdown answer of the UI row: ten sections, each with a heading, paragraphs, a list and a
 * code block in its own language; a table in the middle. Paragraph length is scaled so that the
 * whole document has about `targetTokens` tokens.
 */
export function markdownDocument(targetTokens: number): string {
  const build = (wordsPerParagraph: number) => {
    const next = seededRandom(7);
    const sections: string[] = ['# Streaming answers in LightChat', sentence(next, 30)];
    CODE_LANGUAGES.forEach((language, index) => {
      sections.push(`## ${index + 1}. Relaying in ${language}`);
      for (let p = 0; p < 3; p++) sections.push(sentence(next, wordsPerParagraph));
      sections.push(
        [1, 2, 3, 4].map(() => `- ${sentence(next, 8)}`).join('\n'),
        `### Example ${index + 1}`,
        codeBlock(language),
        [1, 2, 3].map((item) => `${item}. ${sentence(next, 10)}`).join('\n'),
      );
      if (index === 4) sections.push('### Measured figures', TABLE);
      sections.push(`> ${sentence(next, 20)}`);
    });
    sections.push('That is the whole answer.');
    return `${sections.join('\n\n')}\n`;
  };
  // Tokens grow linearly with paragraph length: two probes give the slope.
  const small = tokenize(build(20)).length;
  const large = tokenize(build(120)).length;
  const perWord = (large - small) / 100;
  const words = Math.max(5, Math.round(20 + (targetTokens - small) / perWord));
  return build(words);
}

/** A short answer with one code block per language of the UI document: warms the highlighter up. */
export function warmupDocument(): string {
  return `${['Warming up.', ...CODE_LANGUAGES.map(codeBlock), TABLE, 'Done.'].join('\n\n')}\n`;
}
