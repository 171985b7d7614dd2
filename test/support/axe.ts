import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** A serious or critical violation of one of axe-core's rules, and where it was found. */
export interface Violation {
  page: string;
  rule: string;
  impact: string;
  /** The elements at fault, as CSS selectors. */
  targets: string[];
}

const GRAVE = new Set(['serious', 'critical']);
export const PHONE = { width: 390, height: 844 };

/**
 * axe-core's serious and critical violations on the page as it stands. The staff pages forbid scripts
 * (`default-src 'none'`); what the test harness evaluates over the browser's debugging protocol is
 * not subject to the page's policy, so axe goes in by `page.evaluate`, the pages' policy untouched.
 */
export async function graveViolations(page: Page, name: string): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axe.source);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => GRAVE.has(v.impact ?? ''))
    .map((v) => ({ page: name, rule: v.id, impact: v.impact!, targets: v.nodes.map((node) => node.target.join(' ')) }));
}

/** How much wider than a phone's screen the page is laid out (0: it is read without scrolling sideways). */
export async function overflowAtPhoneWidth(page: Page): Promise<number> {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  const width: number = await page.locator('html').evaluate((html) => html.scrollWidth);
  if (before) await page.setViewportSize(before);
  return Math.max(0, width - PHONE.width);
}

/**
 * Every page a test passes through, checked as it is met: axe-core's serious and critical violations,
 * and any sideways scroll at a phone's width. The test asserts on `problems` at its end, which lists
 * each by page, so that one run shows them all.
 */
export function pageChecks() {
  const problems: (Violation | { page: string; overflowAtPhoneWidth: number })[] = [];
  return {
    problems,
    async check(page: Page, name: string): Promise<void> {
      problems.push(...(await graveViolations(page, name)));
      const overflow = await overflowAtPhoneWidth(page);
      if (overflow) problems.push({ page: name, overflowAtPhoneWidth: overflow });
    },
  };
}
