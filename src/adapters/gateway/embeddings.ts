import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { providerName } from '../../domain/settings.js';
import { badRequest } from './completion-request.js';
import type { GatewayCall } from './gateway-call.js';
import { answerJson, type GatewayContext, type GatewayRequest, readGatewayJson } from './gateway-http.js';
import { explainMissingModel, resolveModel } from './gateway-models.js';

/** Texts per call: OpenAI's own limit. */
const MAX_INPUTS = 2048;

const bodySchema = z.looseObject({
  model: z.string().trim().min(1, 'model is required, e.g. "ollama_local/nomic-embed-text"'),
  input: z.union(
    [z.string(), z.array(z.string()).min(1, 'input must hold at least one text').max(MAX_INPUTS)],
    {
      message: 'input must be a string or an array of strings (token arrays are not supported)',
    },
  ),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().min(1).nullish(),
  user: z.string().nullish(),
});

/**
 * `POST /v1/embeddings` (CONTRACT section 13): the texts' vectors from a provider's embedding model,
 * in OpenAI's format — floats, or base64 of little-endian float32 as the `openai` SDKs ask by default.
 */
export async function answerEmbeddings(
  c: GatewayRequest,
  call: GatewayCall,
  { core }: GatewayContext,
): Promise<Response> {
  const parsed = bodySchema.safeParse(await readGatewayJson(c));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join('.') || null;
    throw badRequest(`Invalid ${param ?? 'request'}: ${issue?.message ?? 'not understood'}`, param);
  }
  const request = parsed.data;
  call.note({ model: request.model });
  const target = await resolveModel(request.model, core.providers, c.req.raw.signal);
  call.note({ providerId: target.providerId, modelId: target.model });
  const provider = core.providers.resolve(target.providerId);
  if (!provider.embed) {
    throw badRequest(
      `${providerName(provider.config)} has no embedding models in LightChat: use an Ollama or OpenAI-compatible provider.`,
      'model',
    );
  }
  const input = typeof request.input === 'string' ? [request.input] : request.input;
  let answer: Awaited<ReturnType<NonNullable<typeof provider.embed>>>;
  try {
    answer = await provider.embed(
      {
        model: target.model,
        input,
        ...(request.dimensions == null ? {} : { dimensions: request.dimensions }),
      },
      c.req.raw.signal,
    );
  } catch (error) {
    throw error instanceof AppError
      ? await explainMissingModel(error, request.model, target, core.providers)
      : error;
  }
  if (answer.vectors.length !== input.length) {
    throw new AppError(
      'PROVIDER_ERROR',
      `${providerName(provider.config)} answered ${answer.vectors.length} vectors for ${input.length} texts.`,
      { details: { provider_id: target.providerId } },
    );
  }
  const base64 = request.encoding_format === 'base64';
  const promptTokens = answer.promptTokens ?? 0;
  call.note({ promptTokens });
  call.end('ok', 200);
  return answerJson(c, {
    object: 'list',
    data: answer.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
