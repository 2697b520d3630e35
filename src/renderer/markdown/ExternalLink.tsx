import { Button, Code, Group, Modal, Text } from '@mantine/core';
import { type ComponentProps, type MouseEvent, useState } from 'react';

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
        <Modal opened onClose={() => setAsking(false)} title="Open this link?" centered>
          <Text size="sm">The link's text differs from where it goes:</Text>
          <Code block mt="xs" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {href}
          </Code>
          <Group justify="flex-end" mt="md">
            <Button variant="default" onClick={() => setAsking(false)} data-autofocus>
              Cancel
            </Button>
            <Button
              onClick={() => {
                setAsking(false);
                window.open(href, '_blank', 'noopener,noreferrer');
              }}
            >
              Open link
            </Button>
          </Group>
        </Modal>
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
