import type { AppServer } from './app-server.js';

/** A REST call to the app with its token; the JSON answer (or null for 204). */
export async function rest<T = unknown>(
  app: AppServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${app.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? null : await response.json()) as T;
}

export interface StoredTurnIds {
  conversation_id: string;
  user_message_id: string | null;
  assistant_message_id: string;
}

/** `POST /chat` into a conversation, read to its end: the ids of its `start` event. */
export async function chatInto(app: AppServer, body: Record<string, unknown>): Promise<StoredTurnIds> {
  const response = await fetch(`${app.url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /chat: ${response.status} ${text}`);
  const start = /event: start\ndata: (.*)\n/.exec(text)?.[1];
  if (!start) throw new Error(`POST /chat: no start event in\n${text}`);
  if (!/event: done/.test(text)) throw new Error(`POST /chat did not end with done:\n${text}`);
  return JSON.parse(start) as StoredTurnIds;
}

/**
 * A conversation with a title of its own and one turn: a title given at creation is never replaced
 * by an automatic one, so a test can find it by name.
 */
export async function titledConversation(
  app: AppServer,
  title: string,
  prompt: string = title,
): Promise<StoredTurnIds> {
  const created = await rest<{ id: string }>(app, 'POST', '/conversations', { title });
  return chatInto(app, { conversation_id: created.id, prompt });
}
