import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeIfAvailable } from '@orderpulse/service-kit/testing/suites';
import type { Browser, Page } from 'playwright-core';
import type { StartedWebClient } from '../src/server/index.js';
import { chromiumMissing, launchChromium } from './support/browser.js';
import { startTestWebClient } from './support/web-client.js';

/** The pages that need no backend to show their first screen; the e2e tests drive them further. */
describeIfAvailable('admin and rider pages in headless Chromium', chromiumMissing(), () => {
  let web: StartedWebClient;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startTestWebClient();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('when /admin is opened without a session, then a labelled sign-in form shows', async () => {
    await page.goto(`${web.url}/admin`);
    await page.locator('[data-testid="login-form"]').waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Username').count()).toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('when /rider is opened without a link, then it says how to sign in', async () => {
    await page.goto(`${web.url}/rider`);
    await page.locator('[data-testid="rider-access-error"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="rider-access-error"]').textContent()).toContain('Open the sign-in link your dispatcher sent you.');
    expect(errors).toEqual([]);
  });

  it('when /rider is opened with something that is not a rider token, then it leaves the address bar and is not kept', async () => {
    await page.goto(`${web.url}/rider?t=not-a-jwt`);
    await page.locator('[data-testid="rider-access-error"]').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('[data-testid="rider-access-error"]').textContent()).toContain('not a rider link');
    expect(await page.evaluate(() => localStorage.getItem('orderpulse:rider-token'))).toBeNull();
    expect(errors).toEqual([]);
  });
});
