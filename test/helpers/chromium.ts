import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (test/run-all.sh installs it); playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests keep their screenshots (gitignored; README, Tests). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export interface TestBrowser {
  readonly context: BrowserContext;
  /** The path of a screenshot called `name` under test-artifacts/<folder>/ (made if missing). */
  screenshotPath(name: string): string;
  close(): Promise<void>;
}

/**
 * Headless Chromium on a fresh profile (a temporary --user-data-dir, removed on close), with
 * nothing that reaches out of the machine (no background networking, updates, sync or QUIC).
 */
export async function launchChromium(artifactsFolder: string): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'sluice-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Well inside a test's timeout, so a wait that fails says what it waited for.
  context.setDefaultTimeout(10_000);
  const folder = join(ARTIFACTS_DIR, artifactsFolder);
  mkdirSync(folder, { recursive: true });
  return {
    context,
    screenshotPath: (name) => join(folder, `${name}.png`),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
