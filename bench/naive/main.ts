/// <reference lib="dom" />
// The bench's deliberately naive reference (issue 7, row 7): the whole answer is kept in one state
// and re-rendered with react-markdown on every token (React batches only the tokens that arrive in
// the same task), and the message box lives in the same state. Same markup names as LightChat
// (`Assistant message`, `Message`, `Copy`), so the bench's page probe measures both alike.
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

type Start = (prompt: string) => void;

declare global {
  interface Window {
    naiveStart?: Start;
  }
}

/** LightChat's API token, from the link the bench opens (`#token=…`), as LightChat's own page gets it. */
const apiToken = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';

/** Reads `POST /chat` (same origin: LightChat's server) and calls back per token event. */
async function streamChat(prompt: string, onToken: (text: string) => void): Promise<void> {
  const response = await fetch('/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` },
    body: JSON.stringify({ prompt }),
  });
  if (!response.body) throw new Error(`POST /chat answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (frame.startsWith('event: done') || frame.startsWith('event: error')) return;
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const token = (JSON.parse(data.slice(6)) as { token?: string }).token;
      if (token !== undefined) onToken(token);
    }
  }
}

function App() {
  // Every answer so far; the last one grows token by token and the whole list re-renders with it.
  const [answers, setAnswers] = useState<string[]>([]);
  const [done, setDone] = useState(true);
  const [message, setMessage] = useState('');

  window.naiveStart = (prompt) => {
    setAnswers((list) => [...list, '']);
    setDone(false);
    void streamChat(prompt, (token) =>
      setAnswers((list) => [...list.slice(0, -1), `${list.at(-1) ?? ''}${token}`]),
    ).finally(() => setDone(true));
  };

  // No JSX: the project's Node tsconfig (which covers bench/) has no JSX setting.
  return h(
    'main',
    { style: { maxWidth: 860, margin: '0 auto', fontFamily: 'system-ui, sans-serif' } },
    h(
      'section',
      { 'aria-label': 'Conversation' },
      answers.map((answer, index) =>
        answer === ''
          ? null
          : h(
              'article',
              { key: index, 'aria-label': 'Assistant message' },
              h('div', { 'data-bench-markdown': '' }, h(Markdown, { remarkPlugins: [remarkGfm] }, answer)),
              (done || index < answers.length - 1) &&
                h('button', { type: 'button', 'aria-label': 'Copy' }, 'Copy'),
            ),
      ),
    ),
    h('textarea', {
      'aria-label': 'Message',
      value: message,
      onChange: (event: { target: HTMLTextAreaElement }) => setMessage(event.target.value),
    }),
  );
}

createRoot(document.getElementById('root')!).render(h(App));
