import { boundingBoxTemplate } from '../../../../functions/labeling/ground-truth/rules/labeling-ui-template';

describe('labeling-ui-template', () => {
  const template = boundingBoxTemplate();

  it('uses the crowd-bounding-box element with the documented Liquid bindings', () => {
    expect(template).toContain('<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>');
    expect(template).toContain('<crowd-bounding-box');
    expect(template).toContain('name="boundingBox"');
    expect(template).toContain('src="{{ task.input.taskObject | grant_read_access }}"');
    expect(template).toContain('labels="{{ task.input.labels | to_json | escape }}"');
  });

  it('carries short and full instructions inside the element', () => {
    const element = template.slice(template.indexOf('<crowd-bounding-box'), template.indexOf('</crowd-bounding-box>'));

    expect(element).toMatch(/<full-instructions header="[^"]+">[\s\S]+<\/full-instructions>/);
    expect(element).toMatch(/<short-instructions>[\s\S]+<\/short-instructions>/);
  });

  it('tells workers how to box logos', () => {
    expect(/<crowd-bounding-box[^>]*\sheader="([^"]*)"/.exec(template)?.[1]).toBe(
      'Draw a tight box around every logo, one box per logo',
    );
    expect(template).toMatch(/tight/i);
    expect(template).toMatch(/one box per logo/i);
    expect(template).toMatch(/cut (off )?by the image edge/i);
    expect(template).toMatch(/shadows/i);
    expect(template).toMatch(/reflections/i);
  });
});

describe('labeling-ui-template with the batch instructions', () => {
  it('shows the batch’s own Markdown instructions in both panes, and its examples', () => {
    const template = boundingBoxTemplate({
      instructions: '# Box the cups\n\n- **Tight** boxes\n- one per cup\n\nSee [the guide](https://example.com/g).',
      examples: [{ uri: 's3://bucket/incoming/b/examples/good.jpg', kind: 'good', caption: 'handle included' }],
    });
    const full = template.slice(template.indexOf('<full-instructions'), template.indexOf('</full-instructions>'));
    const short = template.slice(template.indexOf('<short-instructions'), template.indexOf('</short-instructions>'));
    for (const pane of [full, short]) {
      expect(pane).toContain('<h3>Box the cups</h3>');
      expect(pane).toContain('<ul>\n<li><strong>Tight</strong> boxes</li>\n<li>one per cup</li>\n</ul>');
      expect(pane).toContain('<a href="https://example.com/g" target="_blank" rel="noopener">the guide</a>');
      expect(pane).not.toMatch(/one box per logo/i);
    }
    const header = /<crowd-bounding-box[^>]*\sheader="([^"]*)"/.exec(template)?.[1];
    expect(header).toBe('Draw a tight box around each object the instructions name, one box per object');
    expect(template).not.toMatch(/every logo/i);
    expect(full).toContain(`src="{{ 's3://bucket/incoming/b/examples/good.jpg' | grant_read_access }}"`);
    expect(full).toContain('<strong>Good:</strong> handle included');
  });
});
