import { type ComponentProps, isValidElement, type ReactNode, useEffect, useRef } from 'react';
import { defaultComponents, type ExtraProps } from 'streamdown';
import { codeHighlighter } from './code-highlighter';

type CodeProps = ComponentProps<'code'> & ExtraProps;

const DefaultCode = defaultComponents.code;
/** Blocks this far below or above the window count as on screen: they are next. */
const NEAR_SCREEN = '200px 0px';

/** A block's code as streamdown reads it: the `code` element's text. */
function codeText(children: ReactNode): string {
  if (typeof children === 'string') return children;
  if (isValidElement<{ children?: unknown }>(children) && typeof children.props.children === 'string') {
    return children.props.children;
  }
  return '';
}

/** One IntersectionObserver for every code block of the page. */
function screenWatcher(): (element: Element, onChange: (visible: boolean) => void) => () => void {
  const watched = new WeakMap<Element, (visible: boolean) => void>();
  let observer: IntersectionObserver | undefined;
  return (element, onChange) => {
    // Without an observer (old browsers, jsdom) no block counts as on screen: they go in page order.
    if (typeof IntersectionObserver === 'undefined') return () => {};
    observer ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) watched.get(entry.target)?.(entry.isIntersecting);
      },
      { rootMargin: NEAR_SCREEN },
    );
    watched.set(element, onChange);
    observer.observe(element);
    return () => {
      observer?.unobserve(element);
      watched.delete(element);
    };
  };
}

const watch = screenWatcher();

/**
 * streamdown's `code` element, with each code block reporting to the highlighter that it is on the
 * page and whether it is on screen, so that the blocks the user sees are highlighted first.
 */
export function CodeInView(props: CodeProps) {
  // streamdown marks a fenced block so (inline code has no `data-block`).
  const block = 'data-block' in props;
  const code = block ? codeText(props.children) : '';
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!block) return;
    const seen = codeHighlighter.track(code);
    const element = box.current?.firstElementChild;
    const stop = element ? watch(element, seen.visible) : () => {};
    return () => {
      stop();
      seen.release();
    };
  }, [block, code]);
  if (!block) return <DefaultCode {...props} />;
  // `display: contents`: no box of its own, the code block lays out as before.
  return (
    <div ref={box} className="lc-code-block" style={{ display: 'contents' }}>
      <DefaultCode {...props} />
    </div>
  );
}
