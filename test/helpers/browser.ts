import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The system Chromium (playwright-core downloads no browser of its own). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless flags for a closed machine: without the background-networking ones Chromium's own connections
 * (updates, sync, field trials) are refused and slow every page down.
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Whether browser tests can run. Without Chromium they skip with a hint, except in CI (`CI=true`), where
 * a missing browser must not pass unnoticed.
 * @throws Error in CI when Chromium is missing.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH}: install it with \`sudo apt-get install -y chromium\` (Debian) or set CHROMIUM_PATH`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(message);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
