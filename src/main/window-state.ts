import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';

/** Size and position of the main window, kept in `window-state.json` beside settings.yaml. */
export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1100, height: 760, maximized: false };

/** The saved state, or the default when the file is missing, unreadable or off every screen. */
export async function loadWindowState(path: string, displays: Rectangle[]): Promise<WindowState> {
  let parsed: WindowState;
  try {
    parsed = windowStateSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
  if (parsed.x === undefined || parsed.y === undefined) return parsed;
  // A window saved on a monitor that is gone would open where nobody can see it.
  const visible = displays.some((area) => overlaps(area, { ...parsed, x: parsed.x ?? 0, y: parsed.y ?? 0 }));
  return visible ? parsed : { width: parsed.width, height: parsed.height, maximized: parsed.maximized };
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Atomic: a quit in the middle of the write must not leave a half file behind.
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

/** At least 100×50 px of the window's top must lie on the display (enough to grab it). */
function overlaps(area: Rectangle, window: Rectangle): boolean {
  const left = Math.max(area.x, window.x);
  const right = Math.min(area.x + area.width, window.x + window.width);
  const top = Math.max(area.y, window.y);
  const bottom = Math.min(area.y + area.height, window.y + window.height);
  return right - left >= 100 && bottom - top >= 50;
}
