import type { z } from 'zod';
import { camelToSnake, toSnakePath } from '../casing.js';
import type { ConfigIssue } from '../config-error.js';

/** zod issues as the wire shows them: snake_case paths, plain messages. */
export const zodIssues = (error: z.ZodError): ConfigIssue[] =>
  error.issues.map((issue) => ({ path: toSnakePath(issue.path), message: issueMessage(issue) }));

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${camelToSnake(key)}"`).join(', ')}`;
  }
  return issue.message;
}
