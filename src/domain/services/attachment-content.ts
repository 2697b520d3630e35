import { type Attachment, fileBlock, formatBytes } from '../attachment.js';
import type { ChatMessage } from '../chat.js';
import { AppError, toAppError } from '../errors.js';
import type { AttachmentStore } from '../ports/attachment-store.port.js';
import type { ChatProvider, ProviderImage, ProviderMessage } from '../provider.js';
import type { ProviderType } from '../settings.js';
import { providerName } from '../settings.js';
import { listModelsWithin } from './provider-registry.js';

/** How long a chat with images waits for the model list that says whether the model can see. */
export const VISION_LOOKUP_TIMEOUT_MS = 3_000;

const MiB = 1024 * 1024;
/** What each API takes per image (Anthropic refuses images over 5 MB; the others take 20 MB). */
export const IMAGE_LIMIT_BYTES: Record<ProviderType, number> = {
  ollama: 20 * MiB,
  openai: 20 * MiB,
  anthropic: 5 * MiB,
  gemini: 20 * MiB,
};

export interface AttachedChat {
  messages: ProviderMessage[];
  /** The files of the newest user message: stored with it. */
  attachments: Attachment[];
}

export interface AttachmentContentDeps {
  store: AttachmentStore | undefined;
  provider: ChatProvider;
  modelId: string;
  signal?: AbortSignal | undefined;
}

/**
 * The messages as the provider gets them (CONTRACT section 12): text files and PDF text become
 * blocks headed by the file name before the message's own text; images go apart, for models that
 * see. Everything is checked before anything is sent: an unknown id is `NOT_FOUND`, an image for a
 * model known not to see is `ATTACHMENT_UNSUPPORTED` (an earlier turn's image is left out with a
 * note instead, so the conversation can go on with such a model), an image over the API's limit is
 * `ATTACHMENT_TOO_LARGE`.
 */
export async function withAttachments(
  deps: AttachmentContentDeps,
  messages: ChatMessage[],
): Promise<AttachedChat> {
  const newestUser = messages.findLastIndex((message) => message.role === 'user');
  if (!messages.some((message) => (message.attachmentIds?.length ?? 0) > 0)) {
    return { messages: messages.map(({ attachmentIds: _, ...message }) => message), attachments: [] };
  }
  const store = deps.store;
  if (!store) {
    throw new AppError(
      'NOT_FOUND',
      'This LightChat keeps no attached files: send the message without them.',
      {
        details: { reason: 'no_attachment_store' },
      },
    );
  }
  const found = await Promise.all(messages.map((message) => findAll(store, message.attachmentIds ?? [])));
  const anyImage = found.some((attachments) => attachments.some((attachment) => attachment.kind === 'image'));
  const sees = anyImage ? await seesImages(deps) : 'unknown';
  const newestImage = found[newestUser]?.find((attachment) => attachment.kind === 'image');
  if (sees === 'no' && newestImage) throw noVision(deps, newestImage.name);
  const limit = IMAGE_LIMIT_BYTES[deps.provider.config.type];
  const result: ProviderMessage[] = [];
  for (const [index, { attachmentIds: _, ...message }] of messages.entries()) {
    const attachments = found[index] ?? [];
    if (attachments.length === 0) {
      result.push(message);
      continue;
    }
    const blocks: string[] = [];
    const images: ProviderImage[] = [];
    for (const attachment of attachments) {
      if (attachment.kind !== 'image') {
        blocks.push(fileBlock(attachment.name, await store.text(attachment)));
      } else if (sees === 'no') {
        blocks.push(`[Image: ${attachment.name} — left out: ${deps.modelId} cannot see images]`);
      } else {
        if (attachment.size > limit) throw imageTooLarge(deps, attachment, limit);
        // Read as the request goes out, not here: the first byte reaches the provider before the file is read.
        images.push({
          name: attachment.name,
          mimeType: attachment.mimeType,
          size: attachment.size,
          chunks: () => store.chunks(attachment),
        });
      }
    }
    result.push({
      ...message,
      content: [...blocks, message.content].filter((part) => part !== '').join('\n\n'),
      ownText: message.content,
      ...(images.length > 0 ? { images } : {}),
    });
  }
  return { messages: result, attachments: found[newestUser] ?? [] };
}

/**
 * A gateway call's own images (CONTRACT section 13), checked as attached ones are before anything is
 * sent: any image for a model known not to see is `ATTACHMENT_UNSUPPORTED` (the client sent the
 * conversation as it is: there is no earlier turn to leave out), one over the API's limit
 * `ATTACHMENT_TOO_LARGE`. Without images nothing is asked of the provider.
 */
export async function checkImages(
  deps: Omit<AttachmentContentDeps, 'store'>,
  messages: readonly ProviderMessage[],
): Promise<void> {
  const images = messages.flatMap((message) => message.images ?? []);
  const [first] = images;
  if (!first) return;
  if ((await seesImages(deps)) === 'no') throw noVision(deps, first.name);
  const limit = IMAGE_LIMIT_BYTES[deps.provider.config.type];
  const large = images.find((image) => image.size > limit);
  if (large) throw imageTooLarge(deps, large, limit);
}

function noVision(deps: Omit<AttachmentContentDeps, 'store'>, name: string): AppError {
  return new AppError(
    'ATTACHMENT_UNSUPPORTED',
    `${deps.modelId} cannot see images, so "${name}" was not sent. Pick a model with vision (its capabilities list "vision"), or remove the image.`,
    {
      details: { name, reason: 'no_vision', provider_id: deps.provider.config.id, model_id: deps.modelId },
    },
  );
}

async function findAll(store: AttachmentStore, ids: readonly string[]): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const id of ids) {
    const attachment = await store.get(id);
    if (!attachment) {
      throw new AppError(
        'NOT_FOUND',
        `There is no attachment "${id}": it was never uploaded, or the last message using it was deleted. Upload the file again (POST /attachments).`,
        { details: { attachment_id: id } },
      );
    }
    attachments.push(attachment);
  }
  return attachments;
}

/**
 * Whether the model sees images, from the capabilities its provider lists: "no" only when they are
 * known and lack `vision`. A provider that says nothing, or does not answer in time, is "unknown":
 * the image is sent and the provider says if it minds.
 */
async function seesImages(deps: Omit<AttachmentContentDeps, 'store'>): Promise<'yes' | 'no' | 'unknown'> {
  try {
    const models = await listModelsWithin(
      deps.provider,
      VISION_LOOKUP_TIMEOUT_MS,
      `${providerName(deps.provider.config)} did not list its models in time.`,
      deps.signal,
    );
    const capabilities = models.find((model) => model.id === deps.modelId)?.capabilities;
    if (!capabilities || capabilities.length === 0) return 'unknown';
    return capabilities.includes('vision') ? 'yes' : 'no';
  } catch (error) {
    if (deps.signal?.aborted) throw toAppError(error);
    return 'unknown';
  }
}

function imageTooLarge(
  deps: Omit<AttachmentContentDeps, 'store'>,
  attachment: Pick<Attachment, 'name' | 'size'>,
  limit: number,
): AppError {
  const name = providerName(deps.provider.config);
  return new AppError(
    'ATTACHMENT_TOO_LARGE',
    `"${attachment.name}" is ${formatBytes(attachment.size)}; ${name} takes images of at most ${formatBytes(limit)}. Send a smaller copy.`,
    {
      details: {
        name: attachment.name,
        kind: 'image',
        size: attachment.size,
        limit_bytes: limit,
        provider_id: deps.provider.config.id,
      },
    },
  );
}
