import '../mantine-later.css';
import {
  Alert,
  Button,
  Divider,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ConfigError } from '../../domain/config-error';
import type { ConfigView } from '../../domain/services/settings-service';
import { ConfigErrorBanner } from '../components/ConfigErrorBanner';
import { CopyBrowserLink } from '../desktop/CopyBrowserLink';
import { errorText, errorTitle, toUiError } from '../errors/error-message';
import { transport, trpcClient } from '../transport/client';
import { desktopApi } from '../transport/desktop-api';
import { useTRPC } from '../transport/trpc';
import { followFile } from './follow-file';
import { GatewaySection } from './GatewaySection';
import { exampleModel } from './gateway-snippets';
import { HistorySection } from './HistorySection';
import { ProviderFields } from './ProviderFields';
import { PROVIDER_PRESETS, providerFromPreset } from './provider-presets';
import {
  issuesByField,
  newProvider,
  readIssues,
  type SettingsFormValues,
  toFormValues,
  toUpdateInput,
} from './settings-form';
import { ToolsSection } from './ToolsSection';

type UpdateInput = Parameters<typeof trpcClient.config.update.mutate>[0];

interface Problems {
  fields: Record<string, string>;
  other: string[];
}
const noProblems: Problems = { fields: {}, other: [] };

/** The `Settings` dialog: a form over settings.yaml, saved with `config.update`, live with the file. */
export default function SettingsDialog({
  opened,
  onClose,
  configError,
  configPath,
  onOpenModels,
}: {
  opened: boolean;
  onClose: () => void;
  configError: ConfigError | null;
  configPath: string | null;
  /** Opens the `Models` dialog (pull, delete, unload). */
  onOpenModels?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const config = useQuery({ ...trpc.config.get.queryOptions(), enabled: opened });
  const [values, setValues] = useState<SettingsFormValues | null>(null);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [notice, setNotice] = useState<string | null>(null);
  /** What the last preset added asks of the user (vLLM: pick another port than LightChat's). */
  const [presetNote, setPresetNote] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  /** The file on disk is invalid: a save must say so explicitly (the server keeps a .bak copy). */
  const [mayOverwrite, setMayOverwrite] = useState(false);
  const loaded = useRef<ConfigView | null>(null);

  // The form follows the file (hand edits included) until the user starts editing.
  useEffect(() => {
    const next = followFile(config.data, { loaded: loaded.current, dirty, saving });
    if (next === 'warn') {
      setNotice('settings.yaml changed on disk while you were editing. Reload the form to see it.');
    } else if (next === 'load' && config.data) {
      loaded.current = config.data;
      setValues(toFormValues(config.data));
    }
  }, [config.data, dirty, saving]);

  useEffect(() => {
    if (!opened) {
      setDirty(false);
      setProblems(noProblems);
      setNotice(null);
      loaded.current = null;
    }
  }, [opened]);

  const reload = (message: string | null) => {
    if (!config.data) return;
    loaded.current = config.data;
    setValues(toFormValues(config.data));
    setDirty(false);
    setProblems(noProblems);
    setNotice(message);
  };

  const edit = (next: SettingsFormValues) => {
    setValues(next);
    setDirty(true);
  };

  const save = async (overwrite = false) => {
    if (!values || !loaded.current) return;
    setSaving(true);
    setProblems(noProblems);
    setNotice(null);
    setMayOverwrite(false);
    try {
      const input = {
        ...toUpdateInput(values, loaded.current.revision),
        ...(overwrite ? { overwrite: true } : {}),
      };
      const saved = await trpcClient.config.update.mutate(input as UpdateInput);
      // A read that left before this save was applied would land after it with the old file.
      await queryClient.cancelQueries({ queryKey: trpc.config.get.queryKey() });
      queryClient.setQueryData(trpc.config.get.queryKey(), saved);
      loaded.current = saved;
      setValues(toFormValues(saved));
      setDirty(false);
      setNotice('Saved to settings.yaml.');
      void queryClient.invalidateQueries(trpc.providers.list.pathFilter());
    } catch (caught) {
      const error = toUiError(caught);
      if (error.code === 'CONFIG_INVALID' || error.code === 'VALIDATION_ERROR') {
        const split = issuesByField(readIssues(error.details), values);
        const onFields = Object.keys(split.fields).length;
        const other =
          onFields > 0 ? ['Fix the highlighted fields, then save again.', ...split.other] : split.other;
        setProblems({ fields: split.fields, other: other.length > 0 ? other : [errorText(error)] });
      } else if (error.code === 'CONFIG_CONFLICT') {
        const fresh = await queryClient.fetchQuery({ ...trpc.config.get.queryOptions(), staleTime: 0 });
        loaded.current = fresh;
        setValues(toFormValues(fresh));
        setDirty(false);
        setNotice(
          'settings.yaml was changed outside LightChat, so nothing was saved. The form now shows the file as it is: make your change again and save.',
        );
      } else {
        setProblems({ fields: {}, other: [`${errorTitle(error)}: ${errorText(error)}`] });
        setMayOverwrite(error.code === 'CONFIG_FILE_INVALID');
      }
    } finally {
      setSaving(false);
    }
  };

  const field = (key: string) => problems.fields[key];
  const providerIds = values?.providers.map((provider) => provider.id).filter((id) => id !== '') ?? [];

  return (
    <Modal opened={opened} onClose={onClose} title="Settings" size="xl" centered={false}>
      <Stack gap="sm">
        {onOpenModels && (
          <Group justify="flex-end">
            <Button size="xs" variant="default" onClick={onOpenModels}>
              Models…
            </Button>
          </Group>
        )}
        {configError && <ConfigErrorBanner error={configError} path={configPath} />}
        {notice && (
          <Alert color={notice.startsWith('Saved') ? 'green' : 'yellow'} variant="light" role="status">
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">{notice}</Text>
              {dirty && notice.includes('Reload') && (
                <Button size="xs" variant="light" onClick={() => reload(null)}>
                  Reload
                </Button>
              )}
            </Group>
          </Alert>
        )}
        {problems.other.length > 0 && (
          <Alert color="red" variant="light" title="Not saved" role="alert">
            {problems.other.map((line) => (
              <Text size="sm" key={line}>
                {line}
              </Text>
            ))}
            {mayOverwrite && (
              <Button mt="xs" size="xs" color="red" variant="light" onClick={() => void save(true)}>
                Replace the invalid file (a copy is kept as settings.yaml.bak)
              </Button>
            )}
          </Alert>
        )}
        {config.error && <Alert color="red">{errorText(toUiError(config.error))}</Alert>}
        {!values ? (
          <Group justify="center" p="lg">
            <Loader size="sm" />
          </Group>
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
              <Select
                label="Default provider"
                data={providerIds}
                value={values.defaultProvider || null}
                error={field('default_provider')}
                onChange={(value) => edit({ ...values, defaultProvider: value ?? '' })}
                clearable
              />
              <TextInput
                label="Log folder"
                placeholder="The system's log folder"
                value={values.logDir}
                error={field('log_dir')}
                onChange={(event) => edit({ ...values, logDir: event.currentTarget.value })}
              />
              <NumberInput
                label="Log files kept"
                value={values.logMaxFiles}
                error={field('log_max_files')}
                onChange={(value) => edit({ ...values, logMaxFiles: value })}
              />
              <NumberInput
                label="Log file size (MB)"
                value={values.logMaxFileSizeMb}
                error={field('log_max_file_size_mb')}
                onChange={(value) => edit({ ...values, logMaxFileSizeMb: value })}
              />
              <NumberInput
                label="API port"
                description="The local HTTP API of the desktop app"
                value={values.apiPort}
                error={field('api.port')}
                onChange={(value) => edit({ ...values, apiPort: value })}
              />
              <Stack gap="xs" justify="flex-end">
                <Switch
                  label="Write chat logs"
                  description="Logs hold your prompts and answers"
                  checked={values.loggingEnabled}
                  onChange={(event) => edit({ ...values, loggingEnabled: event.currentTarget.checked })}
                />
                <Switch
                  label="Local HTTP API (desktop app)"
                  checked={values.apiEnabled}
                  onChange={(event) => edit({ ...values, apiEnabled: event.currentTarget.checked })}
                />
              </Stack>
            </SimpleGrid>
            {transport === 'ipc' && <CopyBrowserLink api={desktopApi} />}
            <HistorySection />
            <Divider label="Providers" labelPosition="left" />
            {values.providers.map((provider, index) => (
              <ProviderFields
                // biome-ignore lint/suspicious/noArrayIndexKey: providers have no stable id while being renamed
                key={index}
                index={index}
                provider={provider}
                errors={problems.fields}
                onChange={(next) =>
                  edit({
                    ...values,
                    providers: values.providers.map((entry, i) => (i === index ? next : entry)),
                  })
                }
                onRemove={() =>
                  edit({ ...values, providers: values.providers.filter((_, i) => i !== index) })
                }
              />
            ))}
            <Group align="flex-end">
              <Select
                size="xs"
                aria-label="Add provider"
                placeholder="Add provider…"
                value={null}
                data={PROVIDER_PRESETS.map((preset) => ({ value: preset.key, label: preset.label }))}
                onChange={(key) => {
                  const preset = PROVIDER_PRESETS.find((entry) => entry.key === key);
                  if (!preset) return;
                  const ids = values.providers.map((provider) => provider.id);
                  edit({ ...values, providers: [...values.providers, providerFromPreset(preset, ids)] });
                  setPresetNote(preset.note ?? null);
                }}
              />
              <Button
                variant="default"
                size="xs"
                onClick={() => edit({ ...values, providers: [...values.providers, newProvider()] })}
              >
                Add empty provider
              </Button>
            </Group>
            {presetNote && (
              <Text size="xs" c="orange">
                {presetNote}
              </Text>
            )}
            <ToolsSection
              servers={values.mcpServers}
              onChange={(mcpServers) => edit({ ...values, mcpServers })}
            />
            <GatewaySection
              baseUrl={
                transport === 'http'
                  ? `${window.location.origin}/v1`
                  : values.apiEnabled
                    ? `http://127.0.0.1:${values.apiPort}/v1`
                    : null
              }
              enabled={(values.rest.gateway as { enabled?: boolean } | undefined)?.enabled !== false}
              model={exampleModel(values)}
            />
          </>
        )}
        <Group justify="space-between" mt="sm">
          <Group gap="xs">
            {transport === 'ipc' && (
              <>
                <Button variant="subtle" size="xs" onClick={() => void desktopApi.openSettingsFile()}>
                  Open settings file
                </Button>
                <Button variant="subtle" size="xs" onClick={() => void desktopApi.openLogsFolder()}>
                  Open logs folder
                </Button>
              </>
            )}
            {transport === 'http' && configPath && (
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {configPath}
              </Text>
            )}
          </Group>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button onClick={() => void save()} loading={saving} disabled={!values || !dirty}>
              Save
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
