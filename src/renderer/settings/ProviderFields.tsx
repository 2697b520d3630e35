import {
  Button,
  Fieldset,
  Group,
  PasswordInput,
  Select,
  SimpleGrid,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { DEFAULT_HOSTS, PROVIDER_TYPES } from '../../domain/provider-types';
import type { ProviderType } from '../../domain/settings';
import type { ProviderFormValues } from './settings-form';

/** One provider's fields; the API key is write-only ("set"/"not set", never shown). */
export function ProviderFields({
  index,
  provider,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  provider: ProviderFormValues;
  errors: Record<string, string>;
  onChange: (next: ProviderFormValues) => void;
  onRemove: () => void;
}) {
  const error = (field: string) => errors[`providers.${index}.${field}`];
  const set = (patch: Partial<ProviderFormValues>) => onChange({ ...provider, ...patch });
  const keyState = provider.clearApiKey ? 'will be removed' : provider.apiKeySet ? 'set' : 'not set';
  return (
    <Fieldset legend={provider.name || provider.id || 'New provider'}>
      <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
        <TextInput
          label="Id"
          description="Lowercase letters, digits, _ and -"
          value={provider.id}
          error={error('id')}
          onChange={(event) => set({ id: event.currentTarget.value })}
        />
        <TextInput
          label="Name"
          value={provider.name}
          error={error('name')}
          onChange={(event) => set({ name: event.currentTarget.value })}
        />
        <Select
          label="Type"
          data={[...PROVIDER_TYPES]}
          allowDeselect={false}
          value={provider.type}
          error={error('type')}
          onChange={(value) => value && set({ type: value as ProviderType })}
        />
        <TextInput
          label="Host"
          placeholder={DEFAULT_HOSTS[provider.type]}
          value={provider.host}
          error={error('host')}
          onChange={(event) => set({ host: event.currentTarget.value })}
        />
        <TextInput
          label="Default model"
          placeholder="First model listed"
          value={provider.defaultModel}
          error={error('default_model')}
          onChange={(event) => set({ defaultModel: event.currentTarget.value })}
        />
        <TextInput
          label="API key variable"
          placeholder="e.g. OPENAI_API_KEY"
          value={provider.apiKeyEnv}
          error={error('api_key_env')}
          onChange={(event) => set({ apiKeyEnv: event.currentTarget.value })}
        />
      </SimpleGrid>
      <Textarea
        mt="xs"
        label="System prompt"
        description="Used when the chat has no system prompt of its own"
        autosize
        minRows={1}
        maxRows={4}
        value={provider.systemPrompt}
        error={error('system_prompt')}
        onChange={(event) => set({ systemPrompt: event.currentTarget.value })}
      />
      <Group align="flex-end" mt="xs" gap="xs">
        <PasswordInput
          style={{ flex: 1 }}
          label="API key"
          description={`Stored key: ${keyState}. Type a new key to replace it.`}
          autoComplete="off"
          value={provider.apiKey}
          error={error('api_key')}
          onChange={(event) => set({ apiKey: event.currentTarget.value, clearApiKey: false })}
        />
        {provider.apiKeySet && !provider.clearApiKey && (
          <Button variant="default" size="sm" onClick={() => set({ apiKey: '', clearApiKey: true })}>
            Remove key
          </Button>
        )}
      </Group>
      <Group justify="flex-end" mt="xs">
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          {provider.type === 'openai' ? 'Also any OpenAI-compatible server (set its host).' : ''}
        </Text>
        <Button variant="subtle" color="red" size="xs" onClick={onRemove}>
          Remove provider
        </Button>
      </Group>
    </Fieldset>
  );
}
