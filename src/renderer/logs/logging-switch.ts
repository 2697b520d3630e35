import { trpcClient } from '../transport/client';

/** Whether chat logs are written in this run (seed 3.4), and where. */
export type LoggingState = Awaited<ReturnType<typeof trpcClient.logs.state.query>>;

export const readLoggingState = (): Promise<LoggingState> => trpcClient.logs.state.query();

/** The per-run logging switch: wins over `logging_enabled` until the server restarts. */
export const setLoggingEnabled = (enabled: boolean): Promise<LoggingState> =>
  trpcClient.logs.setEnabled.mutate({ enabled });
