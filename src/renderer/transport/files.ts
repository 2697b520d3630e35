import { authorizedFetch } from '../../client/authorized-fetch';
import { storedToken } from '../auth/api-token';
import { transport } from './client';

/**
 * The REST routes for files (CONTRACT section 10: export, import): a file is no tRPC answer. The web
 * page calls them on its own origin with the token; the desktop window talks IPC and has no token.
 */
export const filesAvailable = transport === 'http';

const fetchWithToken = authorizedFetch({
  token: () => storedToken(window.localStorage),
  throwRefusals: true,
});

/** The server's error JSON (`{error_code, message, details}`) as something `toUiError` reads. */
async function failure(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const error = new Error(typeof body.message === 'string' ? body.message : `HTTP ${response.status}`);
  return Object.assign(error, { errorCode: body.error_code, details: body.details ?? {} });
}

function fileName(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? fallback;
}

/** Saves what a GET route answers as a file (the browser's own download). */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const response = await fetchWithToken(path);
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(response, fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** What a GET route answers, as a blob (an attached file shown in the page). */
export async function fetchBlob(path: string): Promise<Blob> {
  const response = await fetchWithToken(path);
  if (!response.ok) throw await failure(response);
  return response.blob();
}

/** POSTs a file to a route and returns its JSON answer. */
export async function uploadFile<T>(path: string, file: Blob): Promise<T> {
  const response = await fetchWithToken(path, { method: 'POST', body: file });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}
