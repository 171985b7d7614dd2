import { type Browser, chromium } from 'playwright-core';
import { findOrGetChromium } from './chromium';

/**
 * A headless Chromium (found, or got once: `dev/chromium.ts`) driven by playwright-core, which brings
 * no browser of its own. The flags keep it off the network this machine does not have: its
 * background connections are refused.
 */
export async function launchBrowser(): Promise<Browser> {
  const found = await findOrGetChromium();
  return chromium.launch({
    executablePath: found.path,
    env: { ...process.env, ...found.env },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
