// The one place the renderer learns the API's type (a type only: no server code is bundled).
export type { AppRouter } from '../../adapters/api/router';
