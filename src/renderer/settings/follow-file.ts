import type { ConfigView } from '../../domain/services/settings-service';

/** The Settings form as far as following settings.yaml goes. */
export interface FormState {
  /** The view the form was loaded from (null before the first one). */
  loaded: ConfigView | null;
  /** The user changed something since. */
  dirty: boolean;
  /** A save is on its way. */
  saving: boolean;
}

/**
 * What the form does with a view of settings.yaml that reached it: `load` it, `warn` that the file
 * changed under the user's edits, or `keep` what it shows. The file is the same while its revision is
 * (a save's own answer and its echo on `config.changes`, a refetch, arrive as new objects, in any order
 * and at any render), and what arrives while a save is on its way is judged once the save is answered.
 */
export function followFile(view: ConfigView | undefined, form: FormState): 'keep' | 'load' | 'warn' {
  if (!view || form.saving || view.revision === form.loaded?.revision) return 'keep';
  return form.dirty && form.loaded !== null ? 'warn' : 'load';
}
