/// <reference lib="dom" />
import { chromium } from 'playwright-core';
import { FLAGS } from './browser';
import { chooseChromium, DEBIAN_CHROMIUM, npmChromium } from './chromium';

jest.setTimeout(180_000);

describe('which Chromium the browser tests drive', () => {
  const only =
    (...present: string[]) =>
    (path: string) =>
      present.includes(path);

  it('takes CHROMIUM_PATH first, then Debian’s package, then the npm package', () => {
    expect(chooseChromium({ CHROMIUM_PATH: '/opt/c' }, only('/opt/c', DEBIAN_CHROMIUM))).toEqual({
      source: 'CHROMIUM_PATH',
      executablePath: '/opt/c',
    });
    expect(chooseChromium({}, only(DEBIAN_CHROMIUM))).toEqual({ source: 'debian', executablePath: DEBIAN_CHROMIUM });
    expect(chooseChromium({}, only())).toEqual({ source: 'npm' });
    expect(chooseChromium({ CHROMIUM_PATH: 'npm' }, only(DEBIAN_CHROMIUM))).toEqual({ source: 'npm' });
  });

  it('names a CHROMIUM_PATH that is no file instead of falling back', () => {
    expect(() => chooseChromium({ CHROMIUM_PATH: '/nope/chromium' }, only(DEBIAN_CHROMIUM))).toThrow(
      'CHROMIUM_PATH=/nope/chromium: no such file',
    );
  });

  it('launches the npm package’s Chromium with playwright-core and renders a page', async () => {
    const found = await npmChromium();
    const browser = await chromium.launch({
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env },
      headless: true,
      args: FLAGS,
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<canvas id="c" width="4" height="4"></canvas><p>ready</p>');
      const painted = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('#c');
        const context = canvas?.getContext('2d');
        if (!context) return null;
        context.fillStyle = '#ff0000';
        context.fillRect(0, 0, 4, 4);
        return [...context.getImageData(1, 1, 1, 1).data];
      });
      expect({ text: await page.textContent('p'), painted }).toEqual({ text: 'ready', painted: [255, 0, 0, 255] });
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  });
});
