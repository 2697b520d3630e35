import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Absolute path of a file in the repository, from its path relative to the root. */
export function fromRoot(relativePath: string): string {
  return fileURLToPath(new URL(`../../../${relativePath}`, import.meta.url));
}

const packageJsonSchema = z.object({
  main: z.string(),
  repository: z.object({ url: z.string() }),
  devDependencies: z.record(z.string(), z.string()),
});

export function readPackageJson(): z.infer<typeof packageJsonSchema> {
  return packageJsonSchema.parse(JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')));
}

/** The executable npm installed for a package, run with the Node 24 that runs the tests. */
export function binPath(name: string): string {
  return fromRoot(`node_modules/.bin/${name}`);
}
