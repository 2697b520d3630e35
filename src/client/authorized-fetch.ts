import { ERROR_CODES } from '../domain/errors.js';

/**
 * An error the server answered outside tRPC (its security layer: 401 `UNAUTHORIZED`, 403
 * `FORBIDDEN_*`), shaped so that `errorCodeOf` reads its code as it reads any tRPC error's.
 */
export class LightChatHttpError extends Error {
  readonly data: { errorCode: string; details: Record<string, unknown> };

  constructor(errorCode: string, message: string, details: Record<string, unknown>) {
    super(message);
    this.name = 'LightChatHttpError';
    this.data = { errorCode, details };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface AuthorizedFetchOptions {
  /** Looked up per request, so a rotated token is followed. */
  token: () => string | undefined | Promise<string | undefined>;
  /**
   * Throw the security layer's refusals as `LightChatHttpError`s (queries and mutations); an
   * EventSource needs the response itself (a rejected fetch would make it reconnect forever).
   */
  throwRefusals: boolean;
  /** Called with each refusal before it is thrown or returned (the page shows how to get the link). */
  onRefused?: (error: LightChatHttpError) => void;
  fetch?: typeof fetch;
}

/** `fetch` with `Authorization: Bearer <token>` added, and the security layer's refusals read. */
export function authorizedFetch(options: AuthorizedFetchOptions) {
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const value = await options.token();
    if (value) headers.set('authorization', `Bearer ${value}`);
    const response = await (options.fetch ?? fetch)(input, { ...init, headers });
    if (response.status !== 401 && response.status !== 403) return response;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    const code = isRecord(body) ? body.error_code : undefined;
    if (typeof code !== 'string' || !(ERROR_CODES as readonly string[]).includes(code)) return response;
    const message = isRecord(body) && typeof body.message === 'string' ? body.message : code;
    const error = new LightChatHttpError(
      code,
      message,
      isRecord(body) && isRecord(body.details) ? body.details : {},
    );
    options.onRefused?.(error);
    if (options.throwRefusals) throw error;
    return response;
  };
}
