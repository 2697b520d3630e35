// Asks a running LightChat (`npm run serve`) a question and prints the answer as it streams.
//   npm exec tsx examples/ask.ts "Why is the sky blue?"
// In your own project, import from 'lightchat' instead of the source folder.
import { createLightChatClient, errorCodeOf, streamChat } from '../src/client/index.js';

const url = process.env.LIGHTCHAT_URL ?? `http://127.0.0.1:${process.env.LIGHTCHAT_PORT ?? 8000}`;
const question = process.argv.slice(2).join(' ') || 'Say hello in five words.';
const lc = createLightChatClient({ url });

try {
  for await (const event of streamChat(lc, { messages: [{ role: 'user', content: question }] })) {
    if (event.type === 'token') process.stdout.write(event.text);
    if (event.type === 'done') {
      process.stdout.write(
        `\n\n(${event.providerId}/${event.modelId}, ${event.usage.completionTokens} tokens)\n`,
      );
    }
    if (event.type === 'error') {
      console.error(`\n${event.errorCode}: ${event.message}`);
      process.exitCode = 1;
    }
  }
} catch (error) {
  console.error(
    `${errorCodeOf(error) ?? 'ERROR'}: ${error instanceof Error ? error.message : String(error)}`,
  );
  console.error(`Is LightChat running at ${url}? Start it with \`npm run serve\`.`);
  process.exitCode = 1;
}
