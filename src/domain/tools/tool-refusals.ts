/**
 * What goes back to the model for a call that did not run (CONTRACT section 11). The UI reads a
 * stored result's outcome from these same words, so they live in one place.
 */
export const DENIED_TEXT = 'The user denied this tool call.';
export const NEVER_ALLOWED_TEXT = 'This tool may not be used (never_allow in settings).';
export const STOPPED_TEXT = 'The chat was stopped before the tool ran.';
