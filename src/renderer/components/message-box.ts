/** The id of the message box (`Message`): the skip link's target. */
export const MESSAGE_BOX_ID = 'message-box';

const messageBox = () => document.getElementById(MESSAGE_BOX_ID);

/** Puts the user in the message box now (the skip link). */
export const focusMessageBoxNow = () => messageBox()?.focus();

/** Puts the user in the message box once the current update has rendered (New chat). */
export const focusMessageBox = () => requestAnimationFrame(focusMessageBoxNow);
