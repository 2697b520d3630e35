import { findApiToken } from '../client/api-token.js';
import { authorizedFetch, LightChatHttpError } from '../client/authorized-fetch.js';

/**
 * The REST routes the typed client has no procedure for (an import file is larger than a tRPC
 * request may be; a stored chat streams as SSE): `fetch` with the API token, and an error answer
 * thrown as the same error shape the tRPC client throws, so `reportFailure` reads both alike.
 */
export function restFetch(flags: { url: string; config?: string }) {
  const base = flags.url.replace(/\/+$/, '');
  const send = authorizedFetch({
    token: () => findApiToken({ url: flags.url, settingsPath: flags.config }),
    throwRefusals: true,
  });
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await send(`${base}${path}`, init);
    if (response.ok) return response;
    const body = (await response.json().catch(() => ({}))) as {
      error_code?: string;
      message?: string;
      details?: Record<string, unknown>;
    };
    throw new LightChatHttpError(
      body.error_code ?? 'INTERNAL',
      body.message ?? `The server answered ${response.status}.`,
      body.details ?? {},
    );
  };
}
