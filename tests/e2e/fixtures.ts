/**
 * A page that records what a person would not see but must not happen: console errors, uncaught page errors and
 * Content-Security-Policy violations (recorded by a listener installed before any app script runs).
 */
import { test as base, expect, type Page } from '@playwright/test';

export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  /** "directive: blocked URI" for every securitypolicyviolation event. */
  cspViolations(): Promise<string[]>;
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page }, use) => {
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolations?.push(`${event.effectiveDirective}: ${event.blockedURI || 'inline'}`);
      });
    });
    await use({
      consoleErrors,
      pageErrors,
      cspViolations: () => page.evaluate(() => window.__cspViolations ?? []),
    });
  },
});

export { expect };

/** Open the app and wait until the trainer answered its hello. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('status')).toHaveText(/Trainer ready · protocol v\d+/, { timeout: 20_000 });
}
