/** Events that mean the user is doing something the next frame must show at once. */
const INPUT_EVENTS = ['keydown', 'beforeinput', 'pointerdown', 'wheel'] as const;

let inputWaiting = false;
let watching = false;

/** Set on input, cleared once the frame after it has run: however late that frame comes. */
const noteInput = () => {
  if (inputWaiting) return;
  inputWaiting = true;
  requestAnimationFrame(() =>
    setTimeout(() => {
      inputWaiting = false;
    }),
  );
};

/**
 * Whether the coming frame draws the user's input (a key, a click, a wheel turn since the last
 * frame): a streaming answer's render then waits one frame, so typing in `Message` is drawn without
 * the answer's layout and paint in the same frame. Starts listening on first use.
 */
export function userInputThisFrame(): boolean {
  if (!watching && typeof window !== 'undefined') {
    watching = true;
    for (const type of INPUT_EVENTS)
      window.addEventListener(type, noteInput, { capture: true, passive: true });
  }
  return inputWaiting;
}
