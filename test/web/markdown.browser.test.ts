import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { type Browser, launchBrowser } from './browser';

// The instructions sanitizer as the page bundles it (marked + DOMPurify), run in a real Chromium:
// DOMPurify needs a real DOM, and its behaviour there is what labelers get.
jest.setTimeout(60_000);

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(__dirname, '..', '..', 'web', 'src', 'lib', 'markdown.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'markdown',
    write: false,
    logLevel: 'silent',
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
});

afterAll(async () => {
  await browser?.close();
});

const render = (text: string): Promise<string> =>
  page.evaluate(
    (t) => (window as unknown as { markdown: { renderMarkdown(s: string): string } }).markdown.renderMarkdown(t),
    text,
  );

describe('renderMarkdown (the instructions sanitizer)', () => {
  it('keeps the Markdown a batch author needs: headings, lists, emphasis, code and http(s) links', async () => {
    const html = await render('## Box logos\n\n- one **tight** box\n- `N`: nothing\n\n[guide](https://example.com/g)');

    expect(html).toContain('<h2>Box logos</h2>');
    expect(html).toContain('<strong>tight</strong>');
    expect(html).toContain('<code>N</code>');
    expect(html).toContain('<a href="https://example.com/g">guide</a>');
  });

  it('drops style attributes, classes and ids, so the text cannot lay itself over the page', async () => {
    const html = await render(
      '<div style="position:fixed;inset:0;z-index:9" class="card signin" id="toasts">Sign in again</div>',
    );

    expect(html).toBe('<div>Sign in again</div>');
  });

  it('drops images and media from anywhere, in HTML and in Markdown, and forms', async () => {
    const html = await render(
      [
        '![fake](https://evil.example/signin.png)',
        '<img src="https://evil.example/x.png" srcset="https://evil.example/y.png 2x">',
        '<picture><source srcset="https://evil.example/z.png"></picture>',
        '<video src="https://evil.example/v.mp4"></video>',
        '<form action="https://evil.example"><input name="password"><button>Sign in</button></form>',
        '<script>window.__pwned = true</script><a href="javascript:alert(1)">x</a>',
      ].join('\n\n'),
    );

    expect(html).not.toMatch(/<(img|picture|source|video|form|input|button|script)\b/);
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('javascript:');
  });
});
