import type { Page } from 'playwright-core';

/**
 * The limit reference of row 7c: a page that does nothing but read `POST /chat` (one SSE event per
 * token, as REST sends them to a reader that keeps up) and append each token to a `<pre>`. No
 * framework, no Markdown: what a stream costs per event. Same markup names as LightChat (`Assistant
 * message`, `Message`, `Copy`), so the page probe measures it alike. Plain JavaScript: it is served
 * as it is, with no build.
 */
const BARE_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bare reference: each token appended to a pre</title></head>
<body>
<main>
  <section aria-label="Conversation"></section>
  <textarea aria-label="Message"></textarea>
</main>
<script>
// LightChat's API token, from the link the bench opens (#token=…), as LightChat's own page gets it.
const apiToken = new URLSearchParams(window.location.hash.slice(1)).get('token') || '';
window.naiveStart = async (prompt) => {
  const article = document.createElement('article');
  article.setAttribute('aria-label', 'Assistant message');
  const pre = document.createElement('pre');
  pre.setAttribute('data-bench-markdown', '');
  pre.style.whiteSpace = 'pre-wrap';
  const text = document.createTextNode('');
  pre.append(text);
  article.append(pre);
  document.querySelector('section').append(article);
  const response = await fetch('/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + apiToken },
    body: JSON.stringify({ prompt }),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  reading: for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\\n\\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\\n\\n');
      if (frame.startsWith('event: done') || frame.startsWith('event: error')) break reading;
      const data = frame.split('\\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const token = JSON.parse(data.slice(6)).token;
      if (token !== undefined) text.appendData(token);
    }
  }
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.setAttribute('aria-label', 'Copy');
  copy.textContent = 'Copy';
  article.append(copy);
};
</script>
</body>
</html>`;

/** Serves the bare page at `<origin>/__bench/bare.html` from inside the browser (same origin). */
export async function serveBarePage(page: Page, origin: string): Promise<string> {
  const url = `${origin}/__bench/bare.html`;
  await page.route(url, (route) =>
    route.fulfill({ status: 200, body: BARE_PAGE, contentType: 'text/html; charset=utf-8' }),
  );
  return url;
}
