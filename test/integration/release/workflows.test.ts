import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { fromRoot } from './release-files.js';

const run = promisify(execFile);

const stepSchema = z.object({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});
type Step = z.infer<typeof stepSchema>;
const workflowSchema = z.object({
  on: z.record(z.string(), z.unknown()),
  permissions: z.record(z.string(), z.string()).optional(),
  concurrency: z.object({ group: z.string(), 'cancel-in-progress': z.boolean() }).optional(),
  jobs: z.record(
    z.string(),
    z.object({
      'runs-on': z.string(),
      environment: z.string().optional(),
      steps: z.array(stepSchema),
    }),
  ),
});

const workflowPath = (name: string) => fromRoot(`.github/workflows/${name}`);
const readWorkflow = (name: string) => readFileSync(workflowPath(name), 'utf8');
const loadWorkflow = (name: string) => workflowSchema.parse(parse(readWorkflow(name)));

/** @action-validator/cli checks a workflow against GitHub's schema, offline. */
async function validate(path: string): Promise<{ exitCode: number; output: string }> {
  const cli = fromRoot('node_modules/@action-validator/cli/cli.mjs');
  try {
    const { stdout } = await run(process.execPath, [cli, path]);
    return { exitCode: 0, output: stdout };
  } catch (error) {
    const failed = z.object({ code: z.number(), stdout: z.string(), stderr: z.string() }).parse(error);
    return { exitCode: failed.code, output: failed.stdout + failed.stderr };
  }
}

const stepRunning = (steps: Step[], command: RegExp) => steps.find((step) => command.test(step.run ?? ''));
const allSteps = (workflow: z.infer<typeof workflowSchema>) =>
  Object.values(workflow.jobs).flatMap((job) => job.steps);

const RELEASE_SECRETS = {
  CSC_LINK: 'CSC_LINK',
  CSC_KEY_PASSWORD: 'CSC_KEY_PASSWORD',
  APPLE_ID: 'APPLE_ID',
  APPLE_APP_SPECIFIC_PASSWORD: 'APPLE_APP_SPECIFIC_PASSWORD',
  APPLE_TEAM_ID: 'APPLE_TEAM_ID',
  GH_TOKEN: 'GITHUB_TOKEN',
};

describe('GitHub workflows', () => {
  it.each(['ci.yml', 'release.yml'])('%s passes action-validator', async (name) => {
    const { exitCode, output } = await validate(workflowPath(name));
    expect(output).toBe('');
    expect(exitCode).toBe(0);
  });

  it('action-validator rejects a broken workflow (the check can fail)', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'lightchat-workflow-')), 'broken.yml');
    writeFileSync(broken, 'on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    stepz: []\n');
    const { exitCode, output } = await validate(broken);
    expect(exitCode).toBe(1);
    expect(output).toContain("Additional property 'stepz' is not allowed");
  });

  it('pins every action to a major tag or a full commit SHA', () => {
    for (const name of ['ci.yml', 'release.yml']) {
      for (const step of allSteps(loadWorkflow(name)).filter((entry) => entry.uses)) {
        expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
      }
    }
  });

  it('only runs scripts of ours that exist', () => {
    for (const name of ['ci.yml', 'release.yml']) {
      for (const script of readWorkflow(name).match(/scripts\/[\w.-]+/g) ?? []) {
        expect(existsSync(fromRoot(script)), script).toBe(true);
      }
    }
  });
});

describe('release.yml', () => {
  const release = loadWorkflow('release.yml');
  const [job] = Object.values(release.jobs);
  const steps = job?.steps ?? [];

  it('runs only for version tags', () => {
    expect(Object.keys(release.on)).toEqual(['push']);
    expect(release.on.push).toEqual({ tags: ['v*'] });
  });

  it('runs one release at a time on a macOS runner, never cancelling one half-way', () => {
    expect(Object.keys(release.jobs)).toHaveLength(1);
    expect(job?.['runs-on']).toMatch(/^macos-/);
    expect(release.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false });
    expect(release.permissions).toEqual({ contents: 'write' });
  });

  it('checks the tag against package.json, installs, tests and builds before packaging', () => {
    const order = [
      /\$TAG/,
      /^npm ci$/,
      /vitest run/,
      /electron-vite build/,
      /electron-builder --mac --publish always/,
    ];
    const positions = order.map((command) => steps.findIndex((step) => command.test(step.run ?? '')));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('signs, notarizes and publishes in one step that alone gets the secrets', () => {
    const publish = stepRunning(steps, /electron-builder --mac --publish always/);
    expect(publish?.env).toEqual(
      Object.fromEntries(
        Object.entries(RELEASE_SECRETS).map(([variable, secret]) => [variable, `\${{ secrets.${secret} }}`]),
      ),
    );
    const mentions = readWorkflow('release.yml').match(/secrets\./g) ?? [];
    expect(mentions).toHaveLength(Object.keys(RELEASE_SECRETS).length);
  });

  it('refuses to publish an unsigned or unnotarized build', () => {
    const publish = stepRunning(steps, /electron-builder --mac --publish always/)?.run ?? '';
    expect(publish).toContain('-c.forceCodeSigning=true');
    for (const variable of [
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'APPLE_ID',
      'APPLE_APP_SPECIFIC_PASSWORD',
      'APPLE_TEAM_ID',
    ]) {
      expect(publish).toMatch(new RegExp(`for name in .*\\b${variable}\\b`));
    }
    expect(publish).toContain('if [ -z "$' + '{!name}" ]'); // bash indirect expansion
  });

  it('verifies signature, Gatekeeper, the stapled ticket and the fuses of both apps', () => {
    const verify = stepRunning(steps, /codesign --verify/)?.run ?? '';
    expect(verify).toContain('codesign --verify --deep --strict');
    expect(verify).toContain('spctl --assess --type execute');
    expect(verify).toContain('xcrun stapler validate');
    expect(verify).toContain(
      'node scripts/release-check-app.mjs dist/mac-arm64/LightChat.app dist/mac/LightChat.app',
    );
  });
});

describe('ci.yml', () => {
  const ci = loadWorkflow('ci.yml');

  it('runs on pushes and pull requests, without secrets', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(readWorkflow('ci.yml')).not.toMatch(/secrets\./);
  });

  it('runs .ci/run on Linux with Node 24 and the preinstalled Chrome', () => {
    const linux = Object.values(ci.jobs).find((job) => job['runs-on'].startsWith('ubuntu-'));
    const steps = linux?.steps ?? [];
    const node = steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.['node-version']).toBe(24);
    const checks = stepRunning(steps, /^bash \.ci\/run$/);
    expect(checks?.env?.CHROME_PATH).toBe('/usr/bin/google-chrome');
  });

  it('on macOS runs the unit tests and packages an unsigned app', () => {
    const macos = Object.values(ci.jobs).find((job) => job['runs-on'].startsWith('macos-'));
    const steps = macos?.steps ?? [];
    expect(stepRunning(steps, /^npm ci$/)).toBeDefined();
    expect(stepRunning(steps, /^npx vitest run --project node$/)).toBeDefined();
    expect(stepRunning(steps, /^npx electron-vite build$/)).toBeDefined();
    const pack = stepRunning(steps, /^npx electron-builder --mac --dir\b/);
    expect(pack?.run).toContain('--publish never');
    expect(pack?.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    expect(stepRunning(steps, /release-check-app\.mjs dist\/mac-arm64\/LightChat\.app/)).toBeDefined();
  });
});
