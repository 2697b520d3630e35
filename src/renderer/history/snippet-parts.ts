/** A piece of a search snippet: plain text, or the part that matched. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };

/** Undoes the server's HTML escaping; an unknown entity stays as it was written. */
const unescapeHtml = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (entity, name: string) => ENTITIES[name] ?? entity);

/**
 * The server's snippet (HTML-escaped text with `<mark>`…`</mark>` around matches) as parts to render
 * as text: never parsed as HTML, so nothing in a message can become markup in the page.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  for (const piece of snippet.split(/(<\/?mark>)/)) {
    if (piece === '<mark>') match = true;
    else if (piece === '</mark>') match = false;
    else if (piece !== '') parts.push({ text: unescapeHtml(piece), match });
  }
  return parts;
}
