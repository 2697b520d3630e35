import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { AppError } from '../../domain/errors.js';
import type { ApiServices } from '../api/api-services.js';
import { limitBody } from '../api/body-limit.js';
import { answerCompletion } from './chat-completions.js';
import { answerEmbeddings } from './embeddings.js';
import { GatewayCall } from './gateway-call.js';
import { answerJson, errorAnswer, type GatewayContext } from './gateway-http.js';
import { listGatewayModels } from './gateway-models.js';

/** CONTRACT section 4: `/v1/*` takes bodies up to 32 MiB (whole conversations, images later). */
export const GATEWAY_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

type App = Hono<{ Bindings: HttpBindings }>;
export type GatewayHandler = (c: Context<{ Bindings: HttpBindings }>, call: GatewayCall) => Promise<Response>;

/**
 * The OpenAI-compatible gateway (CONTRACT section 13) on `/v1/*`: off with `gateway.enabled: false`,
 * answers allowed web origins (and their preflight), needs a gateway key — never the admin token —
 * and answers every error in OpenAI's shape. The Host and Origin checks ran before (security.ts).
 */
export function registerGatewayRoutes(app: App, context: GatewayContext): void {
  const { core } = context;
  /** The key's name of each authorised request (the Request object may be replaced by the body limit). */
  const keyNames = new WeakMap<IncomingMessage, string>();

  const tooLarge = (c: Context) => {
    c.header('connection', 'close');
    return errorAnswer(
      c,
      new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than 32 MiB, the most /v1 takes.', {
        details: { limit_bytes: GATEWAY_BODY_LIMIT_BYTES },
      }),
    );
  };
  const limit = limitBody({ maxSize: GATEWAY_BODY_LIMIT_BYTES, onError: tooLarge });

  const gate: MiddlewareHandler<{ Bindings: HttpBindings }> = async (c, next) => {
    if (!core.settings.effective().gateway.enabled) {
      return errorAnswer(
        c,
        new AppError(
          'NOT_FOUND',
          "LightChat's OpenAI-compatible gateway is off. Set gateway.enabled: true in settings.yaml to use /v1.",
          { details: { reason: 'gateway_disabled' } },
        ),
      );
    }
    const origin = c.req.header('origin');
    // Only allowed origins get here (security.ts refused the others).
    if (origin !== undefined) {
      const res = c.env.outgoing;
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'retry-after');
      if (c.req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader(
          'access-control-allow-headers',
          c.req.header('access-control-request-headers') ?? 'authorization, content-type',
        );
        res.setHeader('access-control-max-age', '600');
        return c.body(null, 204);
      }
    }
    const refused = await refuseWithoutKey(core, c.req.header('authorization'), (name) =>
      keyNames.set(c.env.incoming, name),
    );
    if (refused) return errorAnswer(c, refused);
    return limit(c, next);
  };
  app.use('/v1/*', gate);

  const route =
    (endpoint: string, handler: GatewayHandler) =>
    async (c: Context<{ Bindings: HttpBindings }>): Promise<Response> => {
      const call = new GatewayCall(core.logs, {
        endpoint,
        keyName: keyNames.get(c.env.incoming) ?? '?',
        userAgent: c.req.header('user-agent'),
      });
      try {
        return await handler(c, call);
      } catch (error) {
        const answer = errorAnswer(c, error);
        call.end('error', answer.status, errorCodeOf(error));
        return answer;
      }
    };

  app.get(
    '/v1/models',
    route('GET /v1/models', async (c, call) => {
      const { models, leftOut } = await listGatewayModels(core.providers, c.req.raw.signal);
      call.note({
        providersLeftOut: leftOut.map((down) => ({
          provider_id: down.providerId,
          error_code: down.errorCode,
        })),
      });
      call.end('ok', 200);
      return answerJson(c, {
        object: 'list',
        data: models.map((model) => ({
          id: model.id,
          object: 'model',
          created: model.created,
          owned_by: model.providerId,
        })),
      });
    }),
  );

  app.post(
    '/v1/chat/completions',
    route('POST /v1/chat/completions', (c, call) => answerCompletion(c, call, context)),
  );

  app.post(
    '/v1/embeddings',
    route('POST /v1/embeddings', (c, call) => answerEmbeddings(c, call, context)),
  );

  app.all('/v1/*', (c) =>
    errorAnswer(
      c,
      new AppError(
        'NOT_FOUND',
        `Invalid URL (${c.req.method} ${c.req.path.slice(0, 200)}): LightChat's gateway has GET /v1/models, POST /v1/chat/completions and POST /v1/embeddings.`,
      ),
    ),
  );
}

/**
 * A gateway key, checked in constant time; the admin token is refused here (it can run programs,
 * a key pasted into an editor must not). `onKey` gets the key's name.
 */
async function refuseWithoutKey(
  core: ApiServices,
  authorization: string | undefined,
  onKey: (name: string) => void,
): Promise<AppError | null> {
  const key = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
  const refuse = (message: string, reason: string) =>
    new AppError('UNAUTHORIZED', message, { details: { reason } });
  const create = 'Create one with `npm exec lightchat gateway-key create NAME`.';
  if (key === undefined) {
    return refuse(
      `You didn't provide an API key. LightChat's /v1 needs a gateway key in the header \`Authorization: Bearer <key>\`. ${create}`,
      'missing',
    );
  }
  const name = await core.gatewayKeys.verify(key);
  if (name !== null) {
    onKey(name);
    return null;
  }
  if (core.apiToken.matches(key)) {
    return refuse(
      `This is LightChat's admin API token, which /v1 never accepts: other tools get a gateway key of their own. ${create}`,
      'admin_token',
    );
  }
  return refuse(
    `Incorrect API key provided: it is not a LightChat gateway key, or it was revoked. ${create}`,
    'wrong',
  );
}

const errorCodeOf = (error: unknown): string | undefined =>
  error instanceof AppError ? error.code : 'INTERNAL';
