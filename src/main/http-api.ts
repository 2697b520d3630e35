import type { ChatLog } from '../domain/ports/chat-log.port.js';
import type { Settings } from '../domain/settings.js';

type ApiSettings = Pick<Settings['api'], 'enabled' | 'port'>;

/** What `desktop.status` tells the page about the local HTTP API beside the window. */
export interface HttpApiStatus {
  enabled: boolean;
  running: boolean;
  port: number | null;
  url: string | null;
  /** Why it is not running although enabled (e.g. the port is taken), in words a user can act on. */
  error: string | null;
}

export interface HttpApiServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface HttpApiOptions {
  /** `startHttpServer` bound to the core; rejects with the listen error (EADDRINUSE…). */
  start(port: number): Promise<HttpApiServer>;
  log: Pick<ChatLog, 'append'>;
}

/**
 * The HTTP API on 127.0.0.1:`api.port`, kept in step with the settings. It is optional for the
 * desktop app: when it cannot start, the window keeps working over IPC and shows why.
 */
export class HttpApi {
  private server: HttpApiServer | null = null;
  private current: HttpApiStatus = { enabled: false, running: false, port: null, url: null, error: null };
  private applied: Promise<void> = Promise.resolve();

  constructor(private readonly options: HttpApiOptions) {}

  status(): HttpApiStatus {
    return this.current;
  }

  /** Starts, stops or moves the server to match `api`; calls are serialised. */
  apply(api: ApiSettings): Promise<void> {
    this.applied = this.applied.then(() => this.reconcile(api));
    return this.applied;
  }

  close(): Promise<void> {
    this.applied = this.applied.then(() => this.stop());
    return this.applied;
  }

  private async reconcile(api: ApiSettings): Promise<void> {
    const { enabled, port } = this.current;
    // Running as asked: nothing to do. Not running after a failure (a taken port): try again, since
    // settings are applied on every change and the other program may have let go of the port.
    if (enabled === api.enabled && port === api.port && this.server) return;
    if (!api.enabled && !enabled && !this.server) return;
    await this.stop();
    if (!api.enabled) {
      this.current = { enabled: false, running: false, port: api.port, url: null, error: null };
      return;
    }
    try {
      this.server = await this.options.start(api.port);
      this.current = { enabled: true, running: true, port: api.port, url: this.server.url, error: null };
    } catch (cause) {
      const error = describeFailure(cause, api.port);
      this.current = { enabled: true, running: false, port: api.port, url: null, error };
      this.options.log.append({
        role: 'error',
        content: error,
        eventType: 'api_start_failed',
        details: { port: api.port, code: errorCode(cause) },
      });
    }
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await server.close();
    this.current = { ...this.current, running: false, url: null };
  }
}

function errorCode(cause: unknown): string | null {
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return null;
}

function describeFailure(cause: unknown, port: number): string {
  const code = errorCode(cause);
  if (code === 'EADDRINUSE') {
    return `The local API could not start: port ${port} is already in use by another program. LightChat works without it; to use the API, set another api.port in settings.yaml.`;
  }
  if (code === 'EACCES') {
    return `The local API could not start: LightChat may not listen on port ${port}. Set another api.port in settings.yaml.`;
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  return `The local API could not start on port ${port}: ${detail}`;
}
