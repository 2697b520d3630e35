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
  // Where our own scroll to the bottom left the box. Its scroll event comes a frame later, when more
  // of the answer may have been added below (a slow frame on a loaded machine): from there, the box
  // is still following, however far the bottom has moved.
  const ownTop = useRef<number | null>(null);
  const toBottom = useCallback((box: HTMLElement) => {
    box.scrollTop = box.scrollHeight;
    ownTop.current = box.scrollTop;
  }, []);

  const setFollow = useCallback((value: boolean) => {
    followingRef.current = value;
    setFollowing(value);
  }, []);

  useEffect(() => {
    const box = container.current;
    const inner = content.current;
    if (!box || !inner) return;
    const onScroll = () => {
      const top = box.scrollTop;
      const atBottom = box.scrollHeight - top - box.clientHeight <= SLACK_PX;
      if (atBottom) {
        if (!followingRef.current) setFollow(true);
      } else if (top !== ownTop.current && followingRef.current) setFollow(false);
    };
    // Layout changes arrive at most once per frame: follow them without measuring on every token.
    const observer = new ResizeObserver(() => {
      if (followingRef.current) toBottom(box);
    });
    observer.observe(inner);
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      box.removeEventListener('scroll', onScroll);
    };
  }, [container, content, setFollow, toBottom]);

  const jumpToLatest = useCallback(() => {
    const box = container.current;
    if (box) toBottom(box);
    setFollow(true);
  }, [container, setFollow, toBottom]);

  return { following, jumpToLatest };
}
