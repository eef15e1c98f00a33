import { existsSync } from 'node:fs';

/**
 * The headless Chromium every browser test and bench here launches (through playwright-core,
 * which is not a dependency of service-kit): Debian's package, never a downloaded browser.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** No sandbox (containers), no GPU, and nothing that would reach the internet on its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found; install it with \`apt-get install -y chromium\``;
}
