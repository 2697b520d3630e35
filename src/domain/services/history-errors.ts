import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { HistoryStatus } from '../ports/conversation-store.port.js';
import { zodIssues } from './validation.js';

/** The errors of CONTRACT section 10, each with a message a user can act on. */

export const conversationNotFound = (id: string): AppError =>
  new AppError(
    'CONVERSATION_NOT_FOUND',
    `There is no conversation "${id}": it was deleted, or the id is wrong. List them with GET /conversations.`,
    { details: { conversation_id: id } },
  );

export const messageNotFound = (conversationId: string, messageId: string, field?: string): AppError =>
  new AppError(
    'MESSAGE_NOT_FOUND',
    `Conversation "${conversationId}" has no message "${messageId}"${field ? ` (${field})` : ''}: it was deleted, or it belongs to another conversation.`,
    { details: { conversation_id: conversationId, message_id: messageId, ...(field ? { field } : {}) } },
  );

export const conversationBusy = (conversationId: string): AppError =>
  new AppError(
    'CONVERSATION_BUSY',
    `An answer is still streaming in conversation "${conversationId}". Wait for it to end, or stop it, then send again.`,
    { details: { conversation_id: conversationId } },
  );

export const invalidInput = (what: string, error: z.ZodError): AppError =>
  new AppError('VALIDATION_ERROR', `Invalid ${what}: ${error.issues[0]?.message ?? 'bad input'}`, {
    details: { issues: zodIssues(error) },
  });

export const wrongRole = (field: string, messageId: string, expected: 'user' | 'assistant'): AppError =>
  new AppError(
    'VALIDATION_ERROR',
    `${field} must name ${expected === 'user' ? 'a user message' : 'an answer (an assistant message)'}; "${messageId}" is not one.`,
    { details: { issues: [{ path: [field], message: `must be an ${expected} message` }] } },
  );

/** HISTORY_UNAVAILABLE for a store whose status says it can't be used. */
export function historyUnavailable(status: Extract<HistoryStatus, { available: false }>): AppError {
  return new AppError('HISTORY_UNAVAILABLE', status.message, {
    details: { reason: status.reason, ...(status.path ? { path: status.path } : {}) },
  });
}

export const HISTORY_DISABLED: Extract<HistoryStatus, { available: false }> = {
  available: false,
  reason: 'disabled',
  path: null,
  message:
    'History is off for this run (--no-history, LIGHTCHAT_NO_HISTORY or history.enabled: false): chats are temporary and nothing is stored.',
};
