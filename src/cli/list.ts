import { toSnakeKeys } from '../domain/casing.js';
import type { ListFlags } from './main.js';
import { connect, reportFailure } from './remote.js';
import { formatTable } from './table.js';
import { stripTerminalControls } from './terminal-text.js';

/** Names, models and status messages come from providers: a terminal gets them without control sequences. */
const print = (text: string): void =>
  console.log(process.stdout.isTTY === true ? stripTerminalControls(text) : text);

/** `lightchat providers`: id, name, type, status (with why), default model, host. */
export async function listProviders(flags: ListFlags): Promise<number> {
  try {
    const providers = await connect(flags).providers.list.query();
    if (flags.json) {
      printJson(providers);
      return 0;
    }
    const rows = providers.map((provider) => [
      `${provider.id}${provider.isDefault ? ' *' : ''}`,
      provider.name,
      provider.type,
      provider.status,
      provider.defaultModel ?? '(first listed)',
      provider.host,
    ]);
    print(formatTable(['ID', 'NAME', 'TYPE', 'STATUS', 'MODEL', 'HOST'], rows));
    for (const provider of providers) {
      if (provider.statusMessage) print(`\n${provider.id}: ${provider.statusMessage}`);
    }
    if (providers.some((provider) => provider.isDefault)) console.log('\n* default provider');
    return 0;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}

/** `lightchat models [ID]`: the models of a provider (default: the default provider). */
export async function listModels(flags: ListFlags & { provider?: string }): Promise<number> {
  try {
    const client = connect(flags);
    const providerId = flags.provider ?? (await client.health.query()).defaultProvider;
    if (!providerId) {
      console.error('lightchat: no provider is configured. Add one under `providers:` in settings.yaml.');
      return 1;
    }
    const models = await client.models.list.query({ providerId });
    if (flags.json) {
      printJson(models);
      return 0;
    }
    const rows = models.map((model) => [
      model.id,
      model.family ?? '',
      model.parameterSize ?? '',
      model.quantization ?? '',
      model.sizeBytes === undefined ? '' : formatSize(model.sizeBytes),
    ]);
    print(formatTable(['MODEL', 'FAMILY', 'PARAMETERS', 'QUANTIZATION', 'SIZE'], rows));
    return 0;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}

/** JSON as the REST API writes it (snake_case), so scripts see one format. */
const printJson = (value: unknown): void => console.log(JSON.stringify(toSnakeKeys(value), null, 2));

function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}
