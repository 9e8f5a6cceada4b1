import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

// Every browser test runs under the policy the backend enforces (Content-Security-Policy, see
// docs/security.md) and fails if any page in any of its browser contexts reports a violation: so every
// screen the suites visit, with the data they make, is checked, not only a list of routes. Specs import
// `test` and `expect` from here instead of '@playwright/test'.

export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
  page: string;
}

interface CspFixtures {
  /** Violations seen so far in this test, in every context it opened. */
  cspViolations: CspViolation[];
  /** Set with `test.use({ allowCspViolations: true })` by tests that provoke violations on purpose. */
  allowCspViolations: boolean;
  cspGuard: void;
}

const BINDING = '__sanctumCspViolation';

async function watch(context: BrowserContext, violations: CspViolation[]): Promise<void> {
  await context.exposeBinding(BINDING, ({ page }, violation: Omit<CspViolation, 'page'>) => {
    violations.push({ ...violation, page: page.url() });
  });
  await context.addInitScript((binding: string) => {
    document.addEventListener(
      'securitypolicyviolation',
      (event) => {
        const report = (window as unknown as Record<string, (v: unknown) => void>)[binding];
        report?.({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
      },
      true,
    );
  }, BINDING);
}

export const test = base.extend<CspFixtures>({
  cspViolations: async ({}, use) => {
    await use([]);
  },
  allowCspViolations: [false, { option: true }],
  cspGuard: [
    async ({ browser, context, cspViolations, allowCspViolations }, use) => {
      await watch(context, cspViolations);
      // Contexts a test opens itself (a second person, a phone) are watched too.
      const newContext = browser.newContext.bind(browser);
      const patched: Browser['newContext'] = async (options) => {
        const opened = await newContext(options);
        await watch(opened, cspViolations);
        return opened;
      };
      browser.newContext = patched;
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      if (!allowCspViolations) expect(cspViolations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * axe-core on the screen as it is now: no serious or critical violation of WCAG 2.1 A/AA. Call it once
 * per screen a spec visits (one run takes a few hundred milliseconds).
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`);
  expect(bad, `serious or critical accessibility violations on ${screen}`).toEqual([]);
}
