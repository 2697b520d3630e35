import { z } from 'zod';

/** One line of the chat log (seed 3.4): exactly these fields, `details` free-form. */
export const logRoleSchema = z.enum(['user', 'assistant', 'system', 'error']);
export const logEntrySchema = z.strictObject({
  ts: z.string(),
  role: logRoleSchema,
  content: z.string(),
  providerId: z.string().optional(),
  modelId: z.string().optional(),
  eventType: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;
export type LogRole = z.infer<typeof logRoleSchema>;
/** What callers hand to `ChatLog.append`: the log stamps `ts` itself. */
export type NewLogEntry = Omit<LogEntry, 'ts'>;
