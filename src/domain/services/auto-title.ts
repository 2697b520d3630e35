import type { ChatEvent } from '../chat.js';
import type { HistorySettings } from '../settings.js';
import type { ChatService, PreparedChat } from './chat-service.js';
import type { ConversationService } from './conversation-service.js';
import { FIRST_LINE_TITLE_MAX } from './conversation-title.js';
import type { StoredTurn } from './stored-turn.js';

/** CONTRACT section 10: the title model gets this long, this many tokens, and writes this many words. */
export const TITLE_TIMEOUT_MS = 20_000;
export const TITLE_MAX_TOKENS = 32;
export const TITLE_MAX_WORDS = 6;
/** How much of the first answer the title model reads besides the question. */
const ANSWER_EXCERPT_CHARS = 1500;

export const TITLE_INSTRUCTION = `Write a title of at most ${TITLE_MAX_WORDS} words for the conversation below, in the language of the user's message. Answer with the title only: no quotes, no full stop.`;

export interface AutoTitlesDeps {
  chat: Pick<ChatService, 'preparePassThrough' | 'stream'>;
  conversations: Pick<ConversationService, 'applyAutoTitle'>;
  /** Read at each title: `history.auto_title` and `history.title_model` apply live. */
  settings(): Pick<HistorySettings, 'autoTitle' | 'titleModel'>;
  timeoutMs?: number;
}

/**
 * Titles written by a model (CONTRACT section 10): after a conversation's first answer, the title
 * model is asked through the chat engine in its pass-through mode (thinking off, at most 32 tokens,
 * 20 s), never logged as a chat; cancelled when the user sends again; the first-line title is replaced only while it is still
 * the conversation's title (a title the user set is never replaced).
 */
export class AutoTitles {
  private readonly running = new Map<string, AbortController>();
  private readonly writes = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: AutoTitlesDeps) {}

  /** The user sent again in this conversation: a title still being written is dropped. */
  cancel(conversationId: string): void {
    this.running.get(conversationId)?.abort();
    this.running.delete(conversationId);
  }

  /** A stored answer ended: the first one of a conversation titled from its first line gets a model's title. */
  afterAnswer(turn: StoredTurn, end: ChatEvent, chat: Pick<PreparedChat, 'providerId' | 'modelId'>): void {
    if (this.closed || end.type !== 'done' || end.finishReason === 'stopped') return;
    const firstLine = turn.firstLineTitle;
    if (firstLine === null || turn.prompt === null) return;
    const settings = this.deps.settings();
    if (!settings.autoTitle) return;
    this.cancel(turn.conversationId);
    const stop = new AbortController();
    this.running.set(turn.conversationId, stop);
    const written = this.write(
      turn,
      firstLine,
      settings.titleModel ?? chat.modelId,
      chat.providerId,
      stop,
    ).finally(() => {
      if (this.running.get(turn.conversationId) === stop) this.running.delete(turn.conversationId);
      this.writes.delete(written);
    });
    this.writes.add(written);
  }

  /** Resolves once every title being written is written or given up. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  /** Stops every title being written (the core shuts down). */
  close(): void {
    this.closed = true;
    for (const stop of this.running.values()) stop.abort();
    this.running.clear();
  }

  private async write(
    turn: StoredTurn,
    firstLine: string,
    modelId: string,
    providerId: string,
    stop: AbortController,
  ): Promise<void> {
    const timer = setTimeout(() => stop.abort(), this.deps.timeoutMs ?? TITLE_TIMEOUT_MS);
    (timer as { unref?: () => void }).unref?.();
    try {
      // Pass-through: exactly these messages (no provider system prompt), and no chat log entries.
      const prepared = this.deps.chat.preparePassThrough({
        providerId,
        modelId,
        messages: [
          { role: 'system', content: TITLE_INSTRUCTION },
          { role: 'user', content: titleRequest(turn.prompt ?? '', turn.answer) },
        ],
        options: { think: false, maxTokens: TITLE_MAX_TOKENS },
      });
      let text = '';
      for await (const event of this.deps.chat.stream(prepared, stop.signal)) {
        if (event.type === 'token') text += event.text;
      }
      const title = cleanTitle(text);
      // Stopped (sent again, timed out, shutting down): the first-line title stays.
      if (stop.signal.aborted || title === null) return;
      await this.deps.conversations.applyAutoTitle(turn.conversationId, firstLine, title);
    } catch {
      // A title is a nicety: the first-line title stays, and the chat never hears of it.
    } finally {
      clearTimeout(timer);
    }
  }
}

const titleRequest = (prompt: string, answer: string): string =>
  answer.trim() === ''
    ? prompt
    : `${prompt}\n\n---\nThe first answer began:\n${answer.slice(0, ANSWER_EXCERPT_CHARS)}`;

/** A model's answer as a title: its first line, without quotes, a "Title:" label or a full stop. */
export function cleanTitle(text: string): string | null {
  const line = text
    .replace(/<think>[\s\S]*?<\/think>/g, '')
    .split(/\r?\n/)
    .map((part) => part.trim())
    .find((part) => part !== '');
  if (line === undefined) return null;
  const words = line
    .replace(/^(title|titel|titre)\s*:\s*/i, '')
    .replace(/^[#*"'“‘«\s]+|[*"'”’»\s.。!！]+$/g, '')
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, TITLE_MAX_WORDS);
  const title = Array.from(words.join(' ')).slice(0, FIRST_LINE_TITLE_MAX).join('').trim();
  return title === '' ? null : title;
}
