import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  exampleModel,
  gatewaySnippet,
  KEY_VARIABLE,
  SNIPPET_KINDS,
} from '../../src/renderer/settings/gateway-snippets';

const BASE = 'http://127.0.0.1:8000/v1';

describe('the gateway snippets in Settings', () => {
  it('name the base URL and the model, and read the key from an environment variable', () => {
    for (const kind of SNIPPET_KINDS) {
      const snippet = gatewaySnippet(kind, BASE, 'ollama_local/llama3.2');
      expect(snippet, kind).toContain(BASE);
      expect(snippet, kind).toContain('ollama_local/llama3.2');
      expect(snippet, kind).toContain(KEY_VARIABLE);
      expect(snippet, kind).not.toContain('lcgw-');
    }
  });

  it('the JavaScript one is valid JavaScript', () => {
    const { diagnostics } = ts.transpileModule(gatewaySnippet('JavaScript', BASE, 'odd\'model"/x'), {
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    expect(diagnostics?.map((diagnostic) => diagnostic.messageText)).toEqual([]);
  });

  it('the curl one survives a shell: its body is the JSON sent, whatever quotes the model id has', () => {
    const model = 'it\'s/a "model" $HOME';
    const snippet = gatewaySnippet('curl', BASE, model);
    // The shell reads the snippet with `curl` replaced by a printer of its arguments.
    const printed = execFileSync('sh', ['-c', `curl() { printf '%s\\n' "$@"; }\n${snippet}`], {
      env: { [KEY_VARIABLE]: 'the-key', PATH: process.env.PATH },
      encoding: 'utf8',
    }).split('\n');
    expect(printed).toContain('Authorization: Bearer the-key');
    expect(printed[0]).toBe(`${BASE}/chat/completions`);
    const body = JSON.parse(printed[printed.indexOf('-d') + 1] ?? '') as { model: string; stream: boolean };
    expect(body).toMatchObject({ model, stream: true });
  });

  it("the Continue one is YAML Continue reads: one model of provider openai at LightChat's base URL", () => {
    const config = parse(gatewaySnippet('Continue', BASE, 'fake: odd # model')) as {
      models: { provider: string; model: string; apiBase: string; apiKey: string }[];
    };
    expect(config.models).toEqual([
      {
        name: 'fake: odd # model via LightChat',
        provider: 'openai',
        model: 'fake: odd # model',
        apiBase: BASE,
        apiKey: `\${{ secrets.${KEY_VARIABLE} }}`,
      },
    ]);
  });

  it("use the default provider's default model, else the first provider's", () => {
    const providers = [
      { id: 'openai', defaultModel: 'gpt-4o-mini' },
      { id: 'ollama_local', defaultModel: '' },
    ];
    expect(exampleModel({ defaultProvider: 'ollama_local', providers })).toBe('ollama_local/llama3.2');
    expect(exampleModel({ defaultProvider: '', providers })).toBe('openai/gpt-4o-mini');
    expect(exampleModel({ defaultProvider: '', providers: [] })).toBe('ollama_local/llama3.2');
  });
});
