import { z } from 'zod';
import { attachmentIdsSchema } from './attachment.js';
import { chatStatsSchema, chatToolsSchema, thinkSchema, usageSchema } from './chat.js';
import { UUID_PATTERN } from './ids.js';

/** The model of CONTRACT section 10, in camelCase (the REST mapping lives in the API adapter). */

export const MESSAGE_STATUSES = ['streaming', 'done', 'error', 'stopped', 'interrupted'] as const;
export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;
/** A message in a final status never changes again; only these are searchable. */
export const isFinalStatus = (status: MessageStatus): boolean => status !== 'streaming';

export const messageRoleSchema = z.enum(['user', 'assistant']);
export type MessageRole = z.infer<typeof messageRoleSchema>;

/** Longest title a user may set; the first-line title is at most 80 characters. */
export const TITLE_MAX_CHARS = 500;

export const idSchema = z.string().regex(UUID_PATTERN, 'must be a conversation or message id (a UUID)');

export const conversationSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  pinned: z.boolean(),
  temporary: z.boolean(),
  providerId: z.string().nullable(),
  modelId: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  numCtx: z.number().int().nullable(),
  /** The `Think` switch of this conversation (`options.think` of its chats); null: the model's default. */
  think: thinkSchema.nullable(),
  /**
   * The conversation's `Tools` switch (CONTRACT section 11): what the UI sends as `tools`. Absent
   * until the user sets it: the switch is then on.
   */
  tools: chatToolsSchema.optional(),
  currentLeafId: z.string().nullable(),
  messageCount: z.number().int(),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** Attachments (section 12) and tool calls with their results (section 11) are kept as they come. */
const openRecord = z.record(z.string(), z.unknown());

export const messageSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  conversationId: z.string(),
  parentId: z.string().nullable(),
  role: messageRoleSchema,
  content: z.string(),
  thinking: z.string(),
  status: messageStatusSchema,
  errorCode: z.string().nullable(),
  providerId: z.string().nullable(),
  modelId: z.string().nullable(),
  usage: usageSchema.nullable(),
  stats: chatStatsSchema.nullable(),
  attachments: z.array(openRecord),
  toolCalls: z.array(openRecord),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Every version at this place of the tree (same parent), oldest first, this one included. */
  siblingIds: z.array(z.string()),
});
export type Message = z.infer<typeof messageSchema>;
/** A message as the store keeps it: its siblings are known from the tree. */
export type StoredMessage = Omit<Message, 'siblingIds'>;
/** A message not yet stored: the store gives it its `seq`. */
export type NewMessage = Omit<StoredMessage, 'seq'>;

/**
 * A new message with nothing in it yet (no text, no provider, no files or tool calls, status done):
 * the one default every turn starts from, so that a field added later has its value in one place.
 */
export function newMessage(
  fields: Pick<NewMessage, 'id' | 'conversationId' | 'parentId' | 'role' | 'createdAt' | 'updatedAt'> &
    Partial<NewMessage>,
): NewMessage {
  return {
    content: '',
    thinking: '',
    status: 'done',
    errorCode: null,
    providerId: null,
    modelId: null,
    usage: null,
    stats: null,
    attachments: [],
    toolCalls: [],
    ...fields,
  };
}

/**
 * A new conversation with nothing in it yet (no title, no settings, not pinned, no messages): the
 * one default every conversation starts from, as `newMessage` is for messages.
 */
export function newConversation(
  fields: Pick<Conversation, 'id' | 'createdAt' | 'updatedAt'> & Partial<Conversation>,
): Conversation {
  return {
    title: null,
    pinned: false,
    temporary: false,
    providerId: null,
    modelId: null,
    systemPrompt: null,
    numCtx: null,
    think: null,
    currentLeafId: null,
    messageCount: 0,
    ...fields,
  };
}

const titleSchema = z.string().trim().min(1, 'title must not be empty').max(TITLE_MAX_CHARS);
const optionalText = z.string().nullish();

export const createConversationSchema = z.strictObject({
  title: titleSchema.optional(),
  providerId: optionalText,
  modelId: optionalText,
  systemPrompt: optionalText,
  think: thinkSchema.nullish(),
  temporary: z.boolean().optional(),
});
export type CreateConversationInput = z.infer<typeof createConversationSchema>;

export const conversationPatchSchema = z.strictObject({
  title: titleSchema.optional(),
  pinned: z.boolean().optional(),
  providerId: optionalText,
  modelId: optionalText,
  systemPrompt: optionalText,
  numCtx: z.number().int().positive().nullish(),
  think: thinkSchema.nullish(),
  tools: chatToolsSchema.optional(),
  currentLeafId: idSchema.optional(),
});
export type ConversationPatch = z.infer<typeof conversationPatchSchema>;

/**
 * Where a send goes in a conversation (CONTRACT section 10): after a message, a new version of a user
 * message, or a new version of an answer (no prompt); none of them continues after the current leaf.
 */
export const turnTargetSchema = z
  .strictObject({
    conversationId: z.union([z.literal('new'), idSchema]),
    temporary: z.boolean().optional(),
    prompt: z.string().optional(),
    after: idSchema.optional(),
    editOf: idSchema.optional(),
    regenerateOf: idSchema.optional(),
    /** Files uploaded first, for the new user message (CONTRACT section 12). */
    attachmentIds: attachmentIdsSchema.optional(),
  })
  .superRefine((target, ctx) => {
    if (target.prompt === '' && (target.attachmentIds?.length ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'prompt must not be empty' });
    }
    if (target.regenerateOf !== undefined && target.attachmentIds !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['attachmentIds'],
        message: 'regenerate_of takes no attachment_ids (the answer is asked again with the files it had)',
      });
    }
    const named = (['after', 'editOf', 'regenerateOf'] as const).filter((key) => target[key] !== undefined);
    if (named.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [named[1] ?? ''],
        message: `give only one of ${named.join(', ')}`,
      });
    }
    if (target.regenerateOf !== undefined && target.prompt !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'regenerate_of takes no prompt' });
    }
    if (target.regenerateOf === undefined && target.prompt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'prompt is required' });
    }
    if (target.conversationId === 'new' && named.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [named[0] ?? ''],
        message: 'a new conversation has no messages to refer to',
      });
    }
  });
export type TurnTarget = z.infer<typeof turnTargetSchema>;

export const searchResultSchema = z.object({
  conversationId: z.string(),
  conversationTitle: z.string().nullable(),
  /** Null for a match in the title. */
  messageId: z.string().nullable(),
  role: messageRoleSchema.nullable(),
  /** HTML-escaped text with the match inside `<mark>`…`</mark>`. */
  snippet: z.string(),
  createdAt: z.string(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/** A conversation of an import file that could not be read (its id in that file, or `#<place>`). */
export const importFailureSchema = z.object({ sourceId: z.string().nullable(), reason: z.string() });

/**
 * What an import did (CONTRACT section 10): `imported` conversations were created or given new
 * messages; `skipped` ones had nothing new (empty ones included); `messages` were added.
 */
export const importResultSchema = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  failed: z.array(importFailureSchema),
  messages: z.number().int(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const EXPORT_FORMATS = ['md', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
