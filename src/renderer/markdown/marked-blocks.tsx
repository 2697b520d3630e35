import { Lexer, type Token, type Tokens } from 'marked';
import { createElement, Fragment, type ReactNode } from 'react';
import { ExternalLink } from './ExternalLink';

/**
 * React elements drawn straight from marked's tokens: the open block of a streaming answer, and the
 * finished blocks that need nothing more (see `plainBlockTokens`). Nothing here renders HTML: raw
 * HTML is shown as text, and only http(s) and mailto links are links.
 */
const SAFE_LINK = /^(https?:|mailto:)/i;

export function blocks(tokens: readonly Token[]): ReactNode[] {
  return tokens.map((token, index) => block(token, index));
}

function block(token: Token, key: number): ReactNode {
  switch (token.type) {
    case 'paragraph':
      return <p key={key}>{inline((token as Tokens.Paragraph).tokens)}</p>;
    case 'heading': {
      const heading = token as Tokens.Heading;
      return createElement(`h${heading.depth}`, { key }, inline(heading.tokens));
    }
    case 'code':
      return <CodeBlock key={key} code={token as Tokens.Code} />;
    case 'blockquote':
      return <blockquote key={key}>{blocks((token as Tokens.Blockquote).tokens)}</blockquote>;
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item, index) => listItem(item, index));
      return list.ordered ? (
        <ol key={key} start={list.start === '' || list.start === 1 ? undefined : Number(list.start)}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'table':
      return <Table key={key} table={token as Tokens.Table} />;
    case 'hr':
      return <hr key={key} />;
    case 'text': {
      const text = token as Tokens.Text;
      return <Fragment key={key}>{text.tokens ? inline(text.tokens) : text.text}</Fragment>;
    }
    case 'space':
    case 'def':
      return null;
    default:
      // Raw HTML and anything else: its text, never markup.
      return <p key={key}>{token.raw}</p>;
  }
}

/** A tight list item's text sits in the item; a loose one's paragraphs are paragraphs. */
function listItem(item: Tokens.ListItem, key: number): ReactNode {
  const parts = item.tokens.filter((token) => token.type !== 'space');
  // An item's only paragraph (a loose list) is unwrapped, as streamdown does.
  const only = parts.length === 1 && parts[0]!.type === 'paragraph' ? (parts[0] as Tokens.Paragraph) : null;
  if (only) return <li key={key}>{inline(only.tokens)}</li>;
  return <li key={key}>{item.tokens.map((token, index) => itemPart(token, index))}</li>;
}

/** A tight item's text comes as `text` tokens: their inline content sits in the item. */
function itemPart(token: Token, key: number): ReactNode {
  if (token.type !== 'text') return block(token, key);
  return <Fragment key={key}>{inline((token as Tokens.Text).tokens)}</Fragment>;
}

// Keys are positions: the stream only appends, so an update keeps every element before the end.
function inline(tokens: readonly Token[] | undefined): ReactNode[] {
  return (tokens ?? []).map((token, index) => inlineToken(token, index));
}

function inlineToken(token: Token, key: number): ReactNode {
  switch (token.type) {
    case 'strong':
      return <strong key={key}>{inline((token as Tokens.Strong).tokens)}</strong>;
    case 'em':
      return <em key={key}>{inline((token as Tokens.Em).tokens)}</em>;
    case 'del':
      return <del key={key}>{inline((token as Tokens.Del).tokens)}</del>;
    case 'codespan':
      return <code key={key}>{(token as Tokens.Codespan).text}</code>;
    case 'br':
      return <br key={key} />;
    case 'link': {
      const link = token as Tokens.Link;
      const content = inline(link.tokens);
      return SAFE_LINK.test(link.href) ? (
        <ExternalLink key={key} href={link.href}>
          {content}
        </ExternalLink>
      ) : (
        <Fragment key={key}>{content}</Fragment>
      );
    }
    case 'image':
      return <Fragment key={key}>{(token as Tokens.Image).text}</Fragment>;
    case 'text': {
      const text = token as Tokens.Text;
      return <Fragment key={key}>{text.tokens ? inline(text.tokens) : text.text}</Fragment>;
    }
    default:
      // `escape` has the character as its text; raw HTML is shown as written.
      return <Fragment key={key}>{'text' in token ? String(token.text) : token.raw}</Fragment>;
  }
}

/** A code block as it streams: streamdown's frame (markdown.css styles it), highlighted once finished. */
function CodeBlock({ code }: { code: Tokens.Code }) {
  const language = code.lang?.split(/\s/)[0] ?? '';
  return (
    <div data-streamdown="code-block" data-language={language}>
      <div data-streamdown="code-block-header">
        <span>{language}</span>
      </div>
      <div data-streamdown="code-block-body">
        <pre>
          <code>{code.text}</code>
        </pre>
      </div>
    </div>
  );
}

function Table({ table }: { table: Tokens.Table }) {
  const row = (cells: Tokens.TableCell[], key: number) => (
    <tr key={key}>{cells.map((cell, index) => tableCell(cell, index))}</tr>
  );
  return (
    <div data-streamdown="table-wrapper">
      <table>
        <thead>{row(table.header, 0)}</thead>
        <tbody>{table.rows.map((cells, index) => row(cells, index))}</tbody>
      </table>
    </div>
  );
}

function tableCell(cell: Tokens.TableCell, key: number): ReactNode {
  return createElement(
    cell.header ? 'th' : 'td',
    { key, style: { textAlign: cell.align ?? undefined } },
    inline(cell.tokens),
  );
}

/** Tokens drawn here exactly as streamdown would draw them (text-wise): nothing to highlight or decode. */
const PLAIN = new Set([
  'paragraph',
  'heading',
  'blockquote',
  'list',
  'list_item',
  'hr',
  'space',
  'def',
  'text',
  'strong',
  'em',
  'del',
  'codespan',
  'br',
  'escape',
  'link',
]);
/** marked leaves entities (`&copy;`) as written where remark decodes them; footnotes are remark's only. */
const NEEDS_REMARK = /&(#\d+|#x[\da-f]+|[a-z][\da-z]*);|\[\^/i;

function isPlain(token: Token): boolean {
  if (!PLAIN.has(token.type)) return false;
  if (token.type === 'link' && !SAFE_LINK.test((token as Tokens.Link).href)) return false;
  const children: readonly Token[] | undefined =
    token.type === 'list' ? (token as Tokens.List).items : 'tokens' in token ? token.tokens : undefined;
  return children === undefined || children.every(isPlain);
}

/**
 * Whether `blocks` draws these tokens of `markdown` (a finished block, or a whole finished answer)
 * as well as streamdown would: see `plainBlockTokens`.
 */
export function drawnAsStreamdownWould(markdown: string, tokens: readonly Token[]): boolean {
  return !NEEDS_REMARK.test(markdown) && tokens.every(isPlain);
}

/**
 * A finished block's tokens when `blocks` draws it as well as streamdown would: prose, headings,
 * lists, quotes and rules. Null for a block that needs streamdown's pipeline: code (highlighting and
 * its Copy button), tables, task lists, images, raw HTML, entities, footnotes, unsafe links.
 */
export function plainBlockTokens(markdown: string): Token[] | null {
  if (NEEDS_REMARK.test(markdown)) return null;
  const tokens = Lexer.lex(markdown, { gfm: true });
  return drawnAsStreamdownWould(markdown, tokens) ? tokens : null;
}
