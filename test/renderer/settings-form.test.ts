import { describe, expect, it } from 'vitest';
import {
  issuesByField,
  newProvider,
  readIssues,
  toFormValues,
  toUpdateInput,
} from '../../src/renderer/settings/settings-form';
import { view } from './support/config-view';

describe('settings form mapping', () => {
  it('sends back what it loaded, unchanged, with the revision and without view-only fields', () => {
    const input = toUpdateInput(toFormValues(view), view.revision);
    expect(input).toEqual({
      revision: 'rev-1',
      defaultProvider: 'ollama_local',
      loggingEnabled: true,
      logDir: null,
      logMaxFiles: 5,
      logMaxFileSizeMb: 10,
      api: { enabled: true, port: 8000, auth: true },
      gateway: { enabled: true, corsOrigins: ['http://localhost:5173'] },
      // Not edited in the dialog, so a save must not wipe them (secrets as null: the server keeps them).
      tools: view.tools,
      mcpServers: view.mcpServers,
      history: { enabled: false, autoTitle: true, titleModel: 'llama3.2:1b' },
      providers: [
        {
          id: 'ollama_local',
          previousId: 'ollama_local',
          name: 'Ollama (local)',
          type: 'ollama',
          host: 'http://127.0.0.1:11434',
          defaultModel: null,
          systemPrompt: null,
        },
        {
          id: 'openai',
          previousId: 'openai',
          name: null,
          type: 'openai',
          host: 'https://api.openai.com/v1',
          defaultModel: 'gpt-4o-mini',
          systemPrompt: null,
          apiKeyEnv: 'OPENAI_API_KEY',
          timeoutS: 30,
        },
      ],
    });
  });

  it('never sends the stored key back: no apiKey keeps it, a typed one replaces it, Remove sends ""', () => {
    const values = toFormValues(view);
    const [, openai] = values.providers;
    expect(toFormValues(view).providers[1]!.apiKey).toBe('');
    const typed = toUpdateInput(
      { ...values, providers: [values.providers[0]!, { ...openai!, apiKey: 'sk-new' }] },
      'r',
    );
    expect((typed.providers as Record<string, unknown>[])[1]!.apiKey).toBe('sk-new');
    const removed = toUpdateInput(
      { ...values, providers: [values.providers[0]!, { ...openai!, clearApiKey: true }] },
      'r',
    );
    expect((removed.providers as Record<string, unknown>[])[1]!.apiKey).toBe('');
  });

  it('a renamed provider carries its previous id, so the server keeps its key', () => {
    const values = toFormValues(view);
    const renamed = {
      ...values,
      providers: [values.providers[0]!, { ...values.providers[1]!, id: 'openai_work' }],
    };
    const provider = (toUpdateInput(renamed, 'r').providers as Record<string, unknown>[])[1]!;
    expect(provider).toMatchObject({ id: 'openai_work', previousId: 'openai' });
  });

  it('a new provider has no previous id, and empty optional fields are left out', () => {
    const values = toFormValues(view);
    const added = {
      ...values,
      providers: [...values.providers, { ...newProvider('ollama'), id: 'gpu_box' }],
    };
    const provider = (toUpdateInput(added, 'r').providers as Record<string, unknown>[])[2]!;
    expect(provider).toEqual({
      id: 'gpu_box',
      name: null,
      type: 'ollama',
      defaultModel: null,
      systemPrompt: null,
    });
  });

  it('sends api.auth back as loaded: a file with the token off is not turned on (or off) by a save', () => {
    const off = { ...view, api: { ...view.api, auth: false } };
    expect(toUpdateInput(toFormValues(off), 'rev-1').api).toEqual({ enabled: true, port: 8000, auth: false });
  });

  it('keeps a number field that is not a number as typed, for the server to name', () => {
    const input = toUpdateInput({ ...toFormValues(view), apiPort: 'eighty' }, 'r');
    expect(input.api).toEqual({ enabled: true, port: 'eighty', auth: true });
  });

  it('puts server issues (snake_case paths) on their fields and the rest in a list', () => {
    const values = toFormValues(view);
    const issues = readIssues({
      issues: [
        { path: ['providers', 1, 'host'], message: 'host must be an http:// or https:// URL' },
        { path: ['default_provider'], message: 'default_provider "x" is not the id of any provider' },
        { path: ['colour'], message: 'unknown key "colour"' },
        { path: 'not-an-array', message: 'ignored' },
      ],
    });
    expect(issuesByField(issues, values)).toEqual({
      fields: {
        'providers.1.host': 'host must be an http:// or https:// URL',
        default_provider: 'default_provider "x" is not the id of any provider',
      },
      other: ['colour: unknown key "colour"'],
    });
  });
});
