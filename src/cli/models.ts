import { createParser } from 'eventsource-parser';
import { LightChatHttpError } from '../client/authorized-fetch.js';
import type { ModelFlags } from './main.js';
import { connect, reportFailure } from './remote.js';
import { restFetch } from './rest.js';
import { formatTable } from './table.js';
import { type OutputStream, stripTerminalControls } from './terminal-text.js';

/** `lightchat pull | rm | ps` (CONTRACT section 12): Ollama model management through the server. */

export interface PullTerminal {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Ctrl+C: the handler cancels the pull. Returns the function that stops listening. */
  onInterrupt(handler: () => void): () => void;
}

const processTerminal: PullTerminal = {
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt(handler) {
    process.once('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
};

/** The provider named by `--provider`, else the server's default. */
async function providerOf(flags: ModelFlags): Promise<string> {
  if (flags.provider) return flags.provider;
  const id = (await connect(flags).health.query()).defaultProvider;
  if (id) return id;
  throw new LightChatHttpError(
    'PROVIDER_NOT_FOUND',
    'No provider is configured. Add one under `providers:` in settings.yaml.',
    {},
  );
}

/**
 * `lightchat pull MODEL`: one progress bar on a terminal, plain percentage lines otherwise (one per
 * whole percent or change of step, so a log stays short). Ctrl+C cancels the pull (exit 130).
 */
export async function pullModel(
  model: string,
  flags: ModelFlags,
  terminal = processTerminal,
): Promise<number> {
  const stop = new AbortController();
  const stopListening = terminal.onInterrupt(() => stop.abort());
  const bar = progressWriter(terminal.stdout);
  try {
    const providerId = await providerOf(flags);
    const response = await restFetch(flags)(`/models/${encodeURIComponent(providerId)}/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model }),
      signal: stop.signal,
    });
    let end: { event: string; data: Record<string, unknown> } | undefined;
    const parser = createParser({
      onEvent(message) {
        const data = JSON.parse(message.data) as Record<string, unknown>;
        if (message.event === 'progress') bar.update(data);
        else end ??= { event: message.event ?? 'message', data };
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (end) break;
    }
    bar.finish();
    if (end?.event === 'done') {
      terminal.stdout.write(`Pulled ${model}.\n`);
      return 0;
    }
    if (end?.event === 'error') {
      const {
        error_code: code,
        message,
        details,
      } = end.data as { error_code: string; message: string; details: Record<string, unknown> };
      return reportFailure(new LightChatHttpError(code, message, details ?? {}), flags.url, terminal.stderr);
    }
    throw new Error(
      'The server ended the pull without saying how it went. Pull again: it resumes where it stopped.',
    );
  } catch (error) {
    bar.finish();
    if (stop.signal.aborted) {
      terminal.stderr.write(`lightchat: pull of ${model} cancelled.\n`);
      return 130;
    }
    return reportFailure(error, flags.url, terminal.stderr);
  } finally {
    stopListening();
  }
}

/** `lightchat rm MODEL`. */
export async function removeModel(model: string, flags: ModelFlags): Promise<number> {
  try {
    const providerId = await providerOf(flags);
    await restFetch(flags)(`/models/${encodeURIComponent(providerId)}?model=${encodeURIComponent(model)}`, {
      method: 'DELETE',
    });
    console.log(`Deleted ${model}.`);
    return 0;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}

/** `lightchat ps`: the models in memory now, with their context length and capabilities. */
export async function listLoaded(flags: ModelFlags): Promise<number> {
  try {
    const providerId = await providerOf(flags);
    const models = (await connect(flags).models.list.query({ providerId })).filter((model) => model.loaded);
    if (flags.json) {
      console.log(
        JSON.stringify(
          models.map(({ id, sizeBytes, contextLength, capabilities }) => ({
            id,
            size_bytes: sizeBytes,
            context_length: contextLength,
            capabilities,
          })),
          null,
          2,
        ),
      );
      return 0;
    }
    if (models.length === 0) {
      console.log(`No model of ${providerId} is loaded.`);
      return 0;
    }
    const rows = models.map((model) => [
      model.id,
      model.sizeBytes === undefined ? '' : formatBytes(model.sizeBytes),
      model.contextLength === undefined ? '' : String(model.contextLength),
      (model.capabilities ?? []).join(', '),
    ]);
    const table = formatTable(['MODEL', 'SIZE', 'CONTEXT', 'CAPABILITIES'], rows);
    console.log(process.stdout.isTTY ? stripTerminalControls(table) : table);
    return 0;
  } catch (error) {
    return reportFailure(error, flags.url);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}

const BAR_WIDTH = 30;

/** The pull's progress: a bar redrawn in place on a terminal, plain lines in a pipe or a log. */
export function progressWriter(out: OutputStream) {
  let lastLine = '';
  let drawn = false;
  return {
    update(data: Record<string, unknown>) {
      const percent = typeof data.percent === 'number' ? data.percent : 0;
      const status = stripTerminalControls(String(data.status ?? ''));
      const total = typeof data.total_bytes === 'number' ? data.total_bytes : 0;
      const done = typeof data.completed_bytes === 'number' ? data.completed_bytes : 0;
      const bytes = total > 0 ? ` ${formatBytes(done)} / ${formatBytes(total)}` : '';
      if (out.isTTY) {
        const filled = Math.round((percent / 100) * BAR_WIDTH);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
        out.write(`\r\u001b[2K${bar} ${percent.toFixed(1).padStart(5)}%${bytes} ${status}`);
        drawn = true;
        return;
      }
      const line = `${Math.floor(percent)}% ${status}${bytes}`;
      const key = `${Math.floor(percent)} ${status}`;
      if (key === lastLine) return;
      lastLine = key;
      out.write(`${line}\n`);
    },
    finish() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
