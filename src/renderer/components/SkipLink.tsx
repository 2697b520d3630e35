import { focusMessageBoxNow, MESSAGE_BOX_ID } from './message-box';

/** The first Tab stop: hidden until focused, it jumps past the header and sidebar to the message box. */
export function SkipLink() {
  return (
    <a
      className="lc-skip-link"
      href={`#${MESSAGE_BOX_ID}`}
      onClick={(event) => {
        // The hash would stay in the address bar and scroll the page; focusing is all it needs.
        event.preventDefault();
        focusMessageBoxNow();
      }}
    >
      Skip to message box
    </a>
  );
}
