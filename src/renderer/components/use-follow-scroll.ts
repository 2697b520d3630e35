import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';

/** How close to the bottom still counts as "at the bottom" (a wheel notch is ~100 px). */
const SLACK_PX = 48;

/**
 * Keeps a scroll container at the bottom while its content grows, unless the user scrolled up;
 * then `following` is false until they come back (or press Jump to latest).
 */
export function useFollowScroll(
  container: RefObject<HTMLElement | null>,
  content: RefObject<HTMLElement | null>,
): { following: boolean; jumpToLatest: () => void } {
  const followingRef = useRef(true);
  const [following, setFollowing] = useState(true);

  const setFollow = useCallback((value: boolean) => {
    followingRef.current = value;
    setFollowing(value);
  }, []);

  useEffect(() => {
    const box = container.current;
    const inner = content.current;
    if (!box || !inner) return;
    const onScroll = () => {
      const distance = box.scrollHeight - box.scrollTop - box.clientHeight;
      const atBottom = distance <= SLACK_PX;
      if (atBottom !== followingRef.current) setFollow(atBottom);
    };
    // Layout changes arrive at most once per frame: follow them without measuring on every token.
    const observer = new ResizeObserver(() => {
      if (followingRef.current) box.scrollTop = box.scrollHeight;
    });
    observer.observe(inner);
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      box.removeEventListener('scroll', onScroll);
    };
  }, [container, content, setFollow]);

  const jumpToLatest = useCallback(() => {
    const box = container.current;
    if (box) box.scrollTop = box.scrollHeight;
    setFollow(true);
  }, [container, setFollow]);

  return { following, jumpToLatest };
}
