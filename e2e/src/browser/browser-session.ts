import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../harness/paths.js';
import { launchChromium } from './chromium.js';

/** Where every browser test saves its screenshots (gitignored). */
export const SCREENSHOTS_DIR = join(REPO_ROOT, 'e2e', 'screenshots');
/** The README's screenshots (committed); a run with UPDATE_DOCS_SCREENSHOTS=1 refreshes them. */
export const DOCS_SCREENSHOTS_DIR = join(REPO_ROOT, 'docs', 'screenshots');

export interface PageOptions {
  /** A phone-sized viewport (the tracking and rider apps are used on phones). */
  phone?: boolean;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions and console errors, for tests to assert on. */
  errors: string[];
}

/** One Chromium for a test file; each page gets its own context (its own sessionStorage). */
export class BrowserSession {
  private readonly contexts: BrowserContext[] = [];

  private constructor(readonly browser: Browser) {}

  static async start(): Promise<BrowserSession> {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    return new BrowserSession(await launchChromium());
  }

  /** A new page in its own context; it navigates to `url` when given one. */
  async open(url: string | undefined, options: PageOptions = {}): Promise<OpenedPage> {
    const context = await this.browser.newContext(
      options.phone
        ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
        : { viewport: { width: 1360, height: 900 } },
    );
    this.contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    if (url) await page.goto(url);
    return { page, context, errors };
  }

  /** Saves `e2e/screenshots/<name>.png` and returns its path. */
  async screenshot(page: Page, name: string): Promise<string> {
    const path = join(SCREENSHOTS_DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser.close();
  }
}

/** With UPDATE_DOCS_SCREENSHOTS=1, copies a saved screenshot to docs/screenshots/<name>.png. */
export function copyScreenshotToDocs(path: string, name: string, env: Record<string, string | undefined> = process.env): void {
  if (env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true });
  copyFileSync(path, join(DOCS_SCREENSHOTS_DIR, `${name}.png`));
}
