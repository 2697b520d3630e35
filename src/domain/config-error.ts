import { z } from 'zod';

/** What is wrong with settings.yaml, pointing at a line (YAML syntax) or a path (schema). */
export const configErrorSchema = z.object({
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type ConfigError = z.infer<typeof configErrorSchema>;

export const configIssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type ConfigIssue = z.infer<typeof configIssueSchema>;
