/**
 * The shortest time between two renders of a streaming answer (see `pacedFrames`): the page's socket
 * worker hands the page a stream's messages no more often either.
 */
export const STREAM_RENDER_INTERVAL_MS = 50;
