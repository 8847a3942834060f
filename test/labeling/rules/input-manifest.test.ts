import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { labelCategoryConfig, manifestLine, manifestLines } from '../../../functions/labeling/rules/input-manifest';

describe('input-manifest', () => {
  it('writes one source-ref line per image, with the key exactly as S3 stores it', () => {
    const keys = [
      'incoming/b1/red flower.jpg',
      'incoming/b1/ロゴ/画像 1.png',
      'incoming/b1/a+b=c.jpg',
      'incoming/b1/100%.jpg',
      'incoming/b1/say "cheese".jpg',
      'incoming/b1/back\\slash.jpg',
    ];

    const lines = [...manifestLines('my-bucket', keys)];

    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      keys.map((key) => ({ 'source-ref': `s3://my-bucket/${key}` })),
    );
    expect(lines[0]).toBe('{"source-ref":"s3://my-bucket/incoming/b1/red flower.jpg"}\n');
    expect(lines[2]).toContain('a+b=c.jpg');
    expect(lines[3]).toContain('100%.jpg');
    expect(lines[4]).toBe('{"source-ref":"s3://my-bucket/incoming/b1/say \\"cheese\\".jpg"}\n');
  });

  it('keeps a key with a newline on one manifest line', () => {
    const line = manifestLine('b', 'odd\nname.jpg');

    expect(line.split('\n')).toEqual(['{"source-ref":"s3://b/odd\\nname.jpg"}', '']);
  });

  it('round-trips any key to exactly s3://bucket/key on a single line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), (key) => {
        const line = manifestLine('my-bucket', key);

        expect(line.indexOf('\n')).toBe(line.length - 1);
        expect(JSON.parse(line)).toEqual({ 'source-ref': `s3://my-bucket/${key}` });
      }),
    );
  });

  it('builds the label category configuration in the documented format', () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/aws-docs/label-categories.json'), 'utf8'));

    const config = labelCategoryConfig(['Plane', 'Boat']);

    expect(config).toEqual({ 'document-version': '2018-11-28', ...fixture });
  });
});
