import type { Browser } from 'playwright-core';
import {
  type ChatRequestInfo,
  type FakeOpenAIServer,
  type FakeProviderServer,
  type FaultSpec,
  refusedUrl,
  startFakeOllama,
  startFakeOpenAI,
} from '../../fixtures/index.js';
import { type AppServer, startApp } from './app-server.js';
import { launchBrowser } from './browser.js';

const FENCE = '```';

/** An answer with the Markdown a user expects to see rendered: a table and a highlighted code block. */
export const MARKDOWN_ANSWER = `Here is a comparison.

| Language | Typing |
|---|---|
| TypeScript | static |
| Python | dynamic |

${FENCE}ts
const answer: number = 42;
console.log(answer);
${FENCE}

That is **all**.
`;

/** What a model could send to attack the page: raw HTML, and a link whose text hides its target. */
export const HOSTILE_ANSWER = `Look: <img src=x onerror=alert(1)> and <b>bold</b>.

<script>alert(2)</script>

Log in at [your bank](https://bank.example/login) or read https://ollama.com/library.
`;

/** Fails twice (the first try and the core's one retry), so the UI shows the error; then answers. */
export const FLAKY_FAULT: FaultSpec = { status: 500, failTimes: 2 };

/** Fails every time: a question with "always fails" in it always ends in the error notice. */
export const BROKEN_FAULT: FaultSpec = { status: 500 };

const lastUserText = (request: ChatRequestInfo): string =>
  [...request.messages].reverse().find((message) => message.role === 'user')?.content ?? '';

/** How the fake models answer, chosen by words in the question. */
function answerFor(request: ChatRequestInfo) {
  const question = lastUserText(request);
  const system = request.messages.find((message) => message.role === 'system')?.content;
  if (question.includes('system prompt'))
    return { text: `The system prompt I received: ${system ?? 'none'}` };
  // Four tabs at once (the transport test): still streaming when the test stops it, however slow the machine.
  if (question.includes('tab story'))
    return { text: 'a tale told in four tabs '.repeat(5000), tokensPerSecond: 100 };
  if (question.includes('long story')) return { text: 'once upon a time '.repeat(300), tokensPerSecond: 25 };
  if (question.includes('hostile')) return { text: HOSTILE_ANSWER, tokensPerSecond: 300 };
  // For a test that only looks at the answer once it has ended: sent as fast as it can be.
  if (question.includes('markdown at once')) return { text: MARKDOWN_ANSWER };
  // Over about a second: a test can see it stream.
  if (question.includes('markdown')) return { text: MARKDOWN_ANSWER, tokensPerSecond: 60 };
  if (request.model.startsWith('thinker')) {
    return { thinking: 'First I add two and two.', text: 'The answer is 4.', tokensPerSecond: 100 };
  }
  return { text: `Answer number ${request.index} to: ${question}`, tokensPerSecond: 300 };
}

export interface World {
  browser: Browser;
  app: AppServer;
  ollama: FakeProviderServer;
  openai: FakeOpenAIServer;
  close(): Promise<void>;
}

export const settingsYaml = (hosts: { ollama: string; openai: string; down: string }) =>
  `# LightChat E2E settings. This comment must survive saves from the app.
default_provider: fake_ollama
logging_enabled: true
providers:
  - id: fake_ollama   # the scripted fake Ollama
    name: Fake Ollama
    type: ollama
    host: ${hosts.ollama}
  - id: fake_openai
    name: Fake OpenAI
    type: openai
    host: ${hosts.openai}
    api_key: sk-e2e-not-a-real-key
  - id: down
    name: Ollama (down)
    type: ollama
    host: ${hosts.down}
`;

/** One browser, one server and the fake providers, shared by the tests of a file. */
export async function startWorld(): Promise<World> {
  const [ollama, openai, down, browser] = await Promise.all([
    startFakeOllama({
      includeDemoModel: false,
      models: [
        {
          name: 'llama3.2',
          parameterSize: '3.2B',
          quantization: 'Q4_K_M',
          sizeBytes: 2_019_393_189,
          // It sees images (/api/show lists vision): the attachments test sends them to it.
          capabilities: ['completion', 'vision'],
          contextLength: 131_072,
          loaded: true,
        },
        { name: 'thinker', thinking: true, parameterSize: '8B', quantization: 'Q4_0' },
      ],
      behaviour: answerFor,
      faults: (request) => {
        const question = lastUserText(request);
        if (question.includes('always fails')) return BROKEN_FAULT;
        return question.includes('flaky') ? FLAKY_FAULT : undefined;
      },
      // What the Models dialog can pull: a quick one, and one that waits to be cancelled.
      library: [
        { name: 'gemma3', family: 'gemma3', capabilities: ['completion', 'vision'] },
        { name: 'slowpoke', pullStalls: true },
      ],
      pullSteps: 10,
    }),
    startFakeOpenAI({ models: ['gpt-4o-mini'], behaviour: answerFor }),
    refusedUrl(),
    launchBrowser(),
  ]);
  const app = await startApp({
    settingsYaml: settingsYaml({ ollama: ollama.url, openai: openai.baseUrl, down }),
  });
  return {
    browser,
    app,
    ollama,
    openai,
    async close() {
      await browser.close();
      await app.stop();
      await Promise.all([ollama.close(), openai.close()]);
    },
  };
}
