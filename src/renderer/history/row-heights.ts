/**
 * The height of each kind of row in the list (px, as the virtualiser measures them: rounded): a
 * heading is 10 + 4 px of padding around a line of xs text (12 px × 1.4), an item 2 × 6 px around a
 * line of sm text (14 px × 1.45). Rows it has not rendered yet are counted at these, and a row that
 * measures differently when it appears makes the list lay out again (every row, while scrolling).
 */
export const ROW_HEIGHTS = { heading: 31, conversation: 32 } as const;

/** Rows rendered beyond those in view, on each side (the list's virtualiser, and the page's shell). */
export const LIST_OVERSCAN = 10;
