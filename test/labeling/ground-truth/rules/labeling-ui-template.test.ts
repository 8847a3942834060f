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
    expect(template).toMatch(/tight/i);
    expect(template).toMatch(/one box per logo/i);
    expect(template).toMatch(/cut (off )?by the image edge/i);
    expect(template).toMatch(/shadows/i);
    expect(template).toMatch(/reflections/i);
  });
});
