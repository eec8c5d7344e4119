import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether this machine can run the browser tests. Without Chromium they are skipped with
 * a message; with CI=true a missing Chromium is an error instead.
 */
export function chromiumAvailable(suite: string): boolean {
  if (fs.existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${suite} needs Chromium at ${CHROMIUM_PATH}, and CI=true requires it`);
  console.warn(`[showtrust tests] ${CHROMIUM_PATH} not found: ${suite} is skipped`);
  return false;
}

/** Debian's Chromium, headless, kept from dialling out on this closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
