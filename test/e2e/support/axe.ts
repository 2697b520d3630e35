import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** One axe rule broken on a page: its id, impact and the elements (CSS selectors) that break it. */
export interface AxeFinding {
  rule: string;
  impact: string;
  targets: string[];
}

/** The impacts the issue forbids; `moderate` and `minor` are reported, not failed. */
const BLOCKING = new Set(['serious', 'critical']);
/**
 * Moderate findings fixed once and kept fixed: landmarks (a dialog's title bar counted as a second
 * page banner) are what screen-reader users navigate by.
 */
const keptFixed = (rule: string): boolean => rule.startsWith('landmark-');

/**
 * Runs axe-core on the page as it is now; every violation, blocking or not. Every rule runs; only
 * violations are detailed (the passes, which the tests never read, are most of axe's result). The
 * page has no frames, so axe runs in it at once (legacy mode) rather than per frame and then again in
 * a blank page opened to merge the frames' results.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .setLegacyMode()
    .analyze();
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact ?? 'unknown',
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
}

export const blocking = (findings: AxeFinding[]): AxeFinding[] =>
  findings.filter((finding) => BLOCKING.has(finding.impact) || keptFixed(finding.rule));

/** `rule (impact) ×count` per finding: short enough for a failure message and the closing note. */
export const summarise = (findings: AxeFinding[]): string[] =>
  findings.map((finding) => `${finding.rule} (${finding.impact}) ×${finding.targets.length}`);
