import { type ComponentProps, lazy, type MouseEvent, Suspense, useState } from 'react';

// The dialog (Mantine's Modal and what it brings: ~8 chunks) loads with the first link that asks:
// an answer's renderer, which a conversation opened right after the page loaded waits for, then
// needs none of it.
const LinkConfirm = lazy(() => import('./LinkConfirm'));

/**
 * A link in a model's answer. It leaves the app (a new browser tab; in the desktop app the main
 * process opens only https: and mailto: in the system browser), shows its target as its title, and
 * when its text says something other than its URL (`[your bank](https://evil.example)`), asks first.
 */
export function ExternalLink({
  node: _node,
  href,
  onClick,
  ...props
}: ComponentProps<'a'> & { node?: unknown }) {
  const [asking, setAsking] = useState(false);
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (!href || event.defaultPrevented) return;
    if (showsItsTarget(event.currentTarget.textContent ?? '', href)) return;
    event.preventDefault();
    setAsking(true);
  };
  return (
    <>
      <a {...props} href={href} title={href} target="_blank" rel="noopener noreferrer" onClick={click} />
      {asking && href && (
        <Suspense fallback={null}>
          <LinkConfirm href={href} onClose={() => setAsking(false)} />
        </Suspense>
      )}
    </>
  );
}

/** True when the link's text is its URL (an autolink), give or take a scheme or a trailing slash. */
export function showsItsTarget(text: string, href: string): boolean {
  const plain = (value: string) =>
    value
      .trim()
      .replace(/^mailto:/i, '')
      .replace(/^https?:\/\//i, '')
      .replace(/\/$/, '')
      .toLowerCase();
  const shown = text.trim();
  if (shown === href) return true;
  // `www.example.com` links to `http://www.example.com`: same place, but only when the text has no scheme of its own.
  return !/^[a-z][a-z0-9+.-]*:/i.test(shown) && plain(shown) === plain(href) && plain(shown) !== '';
}
