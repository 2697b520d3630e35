import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter } from '../../../src/adapters/api/router.js';
import {
  type ChatEvent,
  createLightChatClient,
  type ErrorCode,
  errorCodeOf,
  type ProviderInfo,
  streamChat,
} from '../../../src/client/index.js';

// These checks run in the type-checker (`npm run typecheck`, which includes test/): a client that
// no longer matches AppRouter fails there. At run time they only build the client.
describe('the typed client', () => {
  it('compiles against AppRouter', () => {
    const client = createLightChatClient({ url: 'http://127.0.0.1:1' });
    expectTypeOf(client.providers.list.query).returns.resolves.toEqualTypeOf<ProviderInfo[]>();
    expectTypeOf(client.chat.start.mutate).parameter(0).toHaveProperty('messages');
    expectTypeOf(client.chat.start.mutate).parameter(0).toHaveProperty('conversationId');
    expectTypeOf(client.chat.start.mutate).returns.resolves.toEqualTypeOf<{
      chatId: string;
      providerId: string;
      modelId: string;
      conversationId?: string;
      userMessageId?: string | null;
      assistantMessageId?: string;
    }>();
    expectTypeOf(client.chat.stop.mutate).returns.resolves.toEqualTypeOf<{ stopped: boolean }>();
    expectTypeOf(streamChat).returns.toEqualTypeOf<AsyncGenerator<ChatEvent>>();
    expectTypeOf(errorCodeOf).returns.toEqualTypeOf<ErrorCode | undefined>();
    expectTypeOf<AppRouter>().toHaveProperty('_def');

    // @ts-expect-error: chat.start takes no key it does not know
    void (() => client.chat.start.mutate({ message: 'hi' }));
    // @ts-expect-error: there is no chat.stream procedure (a chat is two steps)
    void (() => client.chat.stream);
    // @ts-expect-error: models.list needs a providerId
    void (() => client.models.list.query({}));
  });
});
