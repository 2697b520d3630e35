import type { ConfigError } from '../../domain/config-error.js';
import type { ApiServices } from './api-services.js';
import { lightChatVersion } from './package-info.js';

export interface Health {
  status: 'ok';
  version: string;
  config: { path: string; error: ConfigError | null };
  defaultProvider: string | null;
  demo: boolean;
}

/** What `GET /health` and `health` answer: cheap, no provider is asked. */
export function healthOf(core: ApiServices): Health {
  return {
    status: 'ok',
    version: lightChatVersion(),
    config: { path: core.settings.path, error: core.settings.loadError() },
    defaultProvider: core.providers.defaultId(),
    demo: core.demo,
  };
}
