import { instructionsHtml } from '../../../../functions/labeling/ground-truth/rules/instructions-html';

describe('instructionsHtml', () => {
  it('renders the Markdown subset', () => {
    expect(instructionsHtml('## Rules\n1. first\n2. *second*\n\nuse `tight` boxes\nalways')).toBe(
      '<h3>Rules</h3>\n<ol>\n<li>first</li>\n<li><em>second</em></li>\n</ol>\n<p>use <code>tight</code> boxes always</p>',
    );
  });

  it('never lets the author’s markup or Liquid through', () => {
    const html = instructionsHtml('<script>alert(1)</script> <img src=x onerror=alert(1)> {{ task.input | to_json }}');
    expect(html).not.toMatch(/<script|<img|\{\{/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&#123;&#123; task.input | to_json &#125;&#125;');
  });

  it('links only http(s) addresses', () => {
    expect(instructionsHtml('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
  });
});
