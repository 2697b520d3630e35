/**
 * Release notes as plain text: electron-updater hands over GitHub's HTML. Parsed as an inert
 * document (no scripts run, nothing is inserted into the page), only its text is kept.
 */
export function plainNotes(notes: string | null): string | null {
  if (notes === null) return null;
  const text = new DOMParser().parseFromString(notes, 'text/html').body.textContent ?? '';
  const trimmed = text.replace(/\n{3,}/g, '\n\n').trim();
  return trimmed === '' ? null : trimmed;
}

/** "42 %": whole percents, so the strip does not flicker with decimals. */
export const percentText = (percent: number): string => `${Math.floor(percent)} %`;
