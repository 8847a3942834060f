import { compareKeys, findDuplicates } from '../../../functions/validation/rules/duplicates';

describe('duplicates', () => {
  it('marks later copies with the same ETag and size as duplicates of the first key in listing order', () => {
    const objects = [
      { key: 'b/2.jpg', size: 10, etag: '"abc"' },
      { key: 'a/1.jpg', size: 10, etag: '"abc"' },
      { key: 'c/3.jpg', size: 10, etag: 'ABC' },
    ];

    expect([...findDuplicates(objects)]).toEqual([
      ['b/2.jpg', 'a/1.jpg'],
      ['c/3.jpg', 'a/1.jpg'],
    ]);
  });

  it('does not treat equal ETags with different sizes as duplicates', () => {
    const objects = [
      { key: 'a.jpg', size: 10, etag: '"abc"' },
      { key: 'b.jpg', size: 11, etag: '"abc"' },
    ];

    expect(findDuplicates(objects).size).toBe(0);
  });

  it('leaves out empty objects and objects without an ETag', () => {
    const objects = [
      { key: 'a.jpg', size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"' },
      { key: 'b.jpg', size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"' },
      { key: 'c.jpg', size: 5 },
      { key: 'd.jpg', size: 5 },
    ];

    expect(findDuplicates(objects).size).toBe(0);
  });

  it('orders keys by UTF-8 bytes, as S3 lists them', () => {
    const keys = ['\u{1F600}.jpg', '\uFF21.jpg', 'Z.jpg', 'a.jpg'];

    expect([...keys].sort(compareKeys)).toEqual(['Z.jpg', 'a.jpg', '\uFF21.jpg', '\u{1F600}.jpg']);
  });
});
