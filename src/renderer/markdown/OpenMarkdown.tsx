import { Lexer, type Token, type Tokens } from 'marked';
import { createElement, Fragment, memo, type ReactNode, useMemo } from 'react';
import remend from 'remend';
import { ExternalLink } from './ExternalLink';

/**
 * The text still being written at the end of a streaming answer (its last block), drawn from
 * marked's tokens. streamdown's pipeline (micromark, remark, rehype, sanitize) costs most of a
 * stream's frame when it re-parses this block on every update, and a long paragraph is re-parsed
 * many times over; marked's lexer is several times cheaper. Once the block is finished streamdown
 * renders it, once, with highlighting and code block actions. Nothing here renders HTML: raw HTML
 * is shown as text, and only http(s) and mailto links are links.
 */
export const OpenMarkdown = memo(function OpenMarkdown({ text }: { text: string }) {
  // remend closes what the stream has left open (`**bo…`, a fence), as streamdown does.
  const tokens = useMemo(() => Lexer.lex(remend(text), { gfm: true }), [text]);
  return <div data-open-markdown="">{blocks(tokens)}</div>;
});

const SAFE_LINK = /^(https?:|mailto:)/i;

function blocks(tokens: readonly Token[]): ReactNode[] {
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
  if (item.loose) return <li key={key}>{blocks(item.tokens)}</li>;
  return <li key={key}>{item.tokens.map((token, index) => tightItemPart(token, index))}</li>;
}

function tightItemPart(token: Token, key: number): ReactNode {
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
