/** `GET /logs?limit=` and `logs.recent`: the default and the most one answer may hold. */
export const LOG_LIMIT_DEFAULT = 200;
export const LOG_LIMIT_MAX = 5000;
