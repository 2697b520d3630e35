/** What a user copies to use the gateway from another tool (CONTRACT section 13): the key stays in an env var. */
export type SnippetKind = 'Python' | 'JavaScript' | 'curl' | 'Continue';

export const SNIPPET_KINDS: readonly SnippetKind[] = ['Python', 'JavaScript', 'curl', 'Continue'];

/** The variable the snippets read the key from, so a copied snippet never carries a secret. */
export const KEY_VARIABLE = 'LIGHTCHAT_GATEWAY_KEY';

/** A string literal for any of the snippets' languages (JSON's quoting is valid in each of them). */
const quoted = (text: string) => JSON.stringify(text);

export function gatewaySnippet(kind: SnippetKind, baseUrl: string, model: string): string {
  switch (kind) {
    case 'Python':
      return [
        'import os',
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url=${quoted(baseUrl)}, api_key=os.environ[${quoted(KEY_VARIABLE)}])`,
        'answer = client.chat.completions.create(',
        `    model=${quoted(model)},`,
        '    messages=[{"role": "user", "content": "Hi"}],',
        ')',
        'print(answer.choices[0].message.content)',
      ].join('\n');
    case 'JavaScript':
      return [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: ${quoted(baseUrl)}, apiKey: process.env.${KEY_VARIABLE} });`,
        'const stream = await client.chat.completions.create({',
        `  model: ${quoted(model)},`,
        "  messages: [{ role: 'user', content: 'Hi' }],",
        '  stream: true,',
        '});',
        "for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');",
      ].join('\n');
    case 'curl': {
      const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
      // Single quotes keep the shell away from the body; a quote inside it is closed, escaped, reopened.
      return [
        `curl ${baseUrl}/chat/completions \\`,
        `  -H "Authorization: Bearer $${KEY_VARIABLE}" \\`,
        "  -H 'content-type: application/json' \\",
        `  -d '${body.replaceAll("'", "'\\''")}'`,
      ].join('\n');
    }
    case 'Continue':
      return [
        `# ~/.continue/config.yaml; the key goes in ~/.continue/.env as ${KEY_VARIABLE}=<your gateway key>`,
        'models:',
        `  - name: ${quoted(`${model} via LightChat`)}`,
        '    provider: openai',
        `    model: ${quoted(model)}`,
        `    apiBase: ${quoted(baseUrl)}`,
        `    apiKey: \${{ secrets.${KEY_VARIABLE} }}`,
      ].join('\n');
  }
}

/** The model the snippets name: the default provider's default model, as a gateway model id. */
export function exampleModel(settings: {
  defaultProvider: string;
  providers: readonly { id: string; defaultModel: string }[];
}): string {
  const provider =
    settings.providers.find((entry) => entry.id === settings.defaultProvider) ?? settings.providers[0];
  if (!provider || provider.id === '') return 'ollama_local/llama3.2';
  return `${provider.id}/${provider.defaultModel || 'llama3.2'}`;
}
