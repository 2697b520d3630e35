import { describe, expect, it } from 'vitest';
import { snippetParts } from '../../src/renderer/history/snippet-parts';

describe('a search snippet', () => {
  it('splits the server’s <mark> into matched and plain parts', () => {
    expect(snippetParts('…say <mark>你好</mark>世界 and <mark>hi</mark>')).toEqual([
      { text: '…say ', match: false },
      { text: '你好', match: true },
      { text: '世界 and ', match: false },
      { text: 'hi', match: true },
    ]);
  });

  it('turns escaped text back into the characters a message held, as text, never markup', () => {
    const parts = snippetParts('&lt;img src=x onerror=alert(1)&gt; &amp;amp; <mark>&quot;x&#39;</mark>');
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)> &amp; ', match: false },
      { text: '"x\'', match: true },
    ]);
  });
});
