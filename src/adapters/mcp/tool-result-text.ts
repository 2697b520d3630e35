import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * A tool's answer as the text the model gets back: text parts as they are, other parts named (a model
 * that takes no images still learns that one came back), structured content as JSON when that is all.
 */
export function toolResultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'image':
      case 'audio':
        return `[${part.type}: ${part.mimeType}]`;
      case 'resource':
        return 'text' in part.resource ? part.resource.text : `[resource: ${part.resource.uri}]`;
      case 'resource_link':
        return `[resource: ${part.uri}]`;
      default:
        return '';
    }
  });
  const text = parts.filter((part) => part !== '').join('\n');
  if (text === '' && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return text;
}
