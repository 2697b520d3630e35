// `npm run screenshots`: copies the screenshots the E2E run saved in test-results/ to docs/, on
// purpose, so that test runs never change tracked files.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = `${root}test-results/`;
const to = `${root}docs/`;

const names = (await readdir(from).catch(() => [])).filter((name) => name.endsWith('.png'));
if (names.length === 0) {
  console.error('No screenshots in test-results/: run the E2E tests first (npx vitest run --project e2e).');
  process.exit(1);
}
await mkdir(to, { recursive: true });
for (const name of names) {
  await copyFile(from + name, to + name);
  console.log(`docs/${name}`);
}
