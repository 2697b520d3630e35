import { toUiError } from '../errors/error-message';
import { untypedClient } from '../transport/client';

/** Whether chat logs are written in this run (seed 3.4), and where. */
export interface LoggingState {
  enabled: boolean;
  writeError: string | null;
  dir: string;
}

const isLoggingState = (value: unknown): value is LoggingState =>
  typeof value === 'object' && value !== null && typeof (value as LoggingState).enabled === 'boolean';

/**
 * The per-run logging switch. `logs.state` / `logs.setEnabled` are optional on the server: null means
 * this server cannot switch logging at run time (the UI then says so and hides the switch).
 */
export async function readLoggingState(): Promise<LoggingState | null> {
  try {
    const state: unknown = await untypedClient.query('logs.state', undefined);
    return isLoggingState(state) ? state : null;
  } catch (error) {
    if (toUiError(error).code === 'NETWORK') throw error;
    return null;
  }
}

export async function setLoggingEnabled(enabled: boolean): Promise<LoggingState | null> {
  const state: unknown = await untypedClient.mutation('logs.setEnabled', { enabled });
  return isLoggingState(state) ? state : null;
}
