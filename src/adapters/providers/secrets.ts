/** Keeps API keys and proxy credentials out of every message and detail a provider error carries. */

/** `http://user:pass@proxy:3128` → `http://***@proxy:3128`; anything else unchanged. */
export function maskUrl(url: string): string {
  if (!URL.canParse(url)) return url.replace(/\/\/[^/@\s]*@/, '//***@');
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  const masked = parsed.toString().replace('//', '//***@');
  return url.endsWith('/') ? masked : masked.replace(/\/$/, '');
}

/**
 * The provider's own words, safe to show: the key itself, anything shaped like an OpenAI key
 * (servers echo a masked key that still holds its last characters) and URL credentials removed.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let safe = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) safe = safe.split(secret).join('***');
  }
  return safe.replace(/\bsk-[A-Za-z0-9_*.-]{4,}/g, 'sk-***').replace(/\/\/[^/@\s:]+:[^/@\s]*@/g, '//***@');
}
