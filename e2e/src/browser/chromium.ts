import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@orderpulse/service-kit/testing';

export { CHROMIUM_PATH, chromiumMissing } from '@orderpulse/service-kit/testing';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}
