import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { findChromium } from './chromium';

export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Builds web/dist when it is missing or older than its sources, as `npm start` does. */
export const buildPageIfStale = (): void => {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build-web.cjs'), '--if-stale', '--quiet'], {
    stdio: 'inherit',
  });
};

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium (see chromium.ts for which) with a fresh profile, removed on close. */
export const launchBrowser = async (): Promise<Browser> => {
  const found = await findChromium();
  const profile = await mkdtemp(join(tmpdir(), 'labeling-page-chromium-'));
  const context = await chromium
    .launchPersistentContext(profile, {
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env },
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
    })
    .catch(async (error: unknown) => {
      await rm(profile, { recursive: true, force: true });
      throw new Error(`Chromium (${found.source}, ${found.executablePath}) did not start`, { cause: error });
    });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
};

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA rules). */
export const seriousViolations = async (page: Page) => {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
};
