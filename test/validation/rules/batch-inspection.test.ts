import {
  batchListPrefix,
  inspectBatch,
  isBatchObject,
  mapConcurrent,
} from '../../../functions/validation/rules/batch-inspection';
import { jpegImage, pngImage } from '../../fixtures/images';

describe('batch-inspection', () => {
  it('never runs more than the given number of reads at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);

    const results = await mapConcurrent(items, 4, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      running -= 1;
      return i * 2;
    });

    expect(peak).toBe(4);
    expect(results).toEqual(items.map((i) => i * 2));
  });

  it('inspects every object by its first and last bytes and adds up the bytes and reads', async () => {
    const files = new Map<string, Buffer>([
      ['p/a.jpg', jpegImage(100, 100)],
      ['p/b.jpg', pngImage(800, 600, { padBytes: 200_000 })],
      ['p/c.jpg', Buffer.alloc(0)],
    ]);
    const objects = [...files].map(([key, body]) => ({
      key,
      size: body.length,
      etag: body.length ? `"${key}"` : undefined,
    }));
    const read = async (key: string, start: number, end: number) =>
      (files.get(key) ?? Buffer.alloc(0)).subarray(start, end);

    const result = await inspectBatch(objects, read, 2);

    expect(result.objects.map((o) => [o.key, o.inspection.format, o.inspection.reasons.map((r) => r.code)])).toEqual([
      ['p/a.jpg', 'jpeg', []],
      ['p/b.jpg', 'png', []],
      ['p/c.jpg', null, ['EMPTY_FILE']],
    ]);
    // The small JPEG is read once, whole; the large PNG once at its head and once at its tail.
    expect(result.bytesRead).toBe((files.get('p/a.jpg')?.length ?? 0) + 64 * 1024 + 4 * 1024);
    expect(result.reads).toBe(3);
    expect(result.objects[0]?.etag).toBe('"p/a.jpg"');
    expect(result.objects[2]).not.toHaveProperty('etag');
  });

  it('skips batch.json at the batch root and folder markers, but not a batch.json deeper down', () => {
    expect(isBatchObject('incoming/b1/', 'incoming/b1/batch.json')).toBe(false);
    expect(isBatchObject('incoming/b1', 'incoming/b1/batch.json')).toBe(false);
    expect(isBatchObject('incoming/b1/', 'incoming/b1/logos/')).toBe(false);
    expect(isBatchObject('incoming/b1/', 'incoming/b1/logos/batch.json')).toBe(true);
    expect(isBatchObject('incoming/b1/', 'incoming/b1/a.jpg')).toBe(true);
  });

  it('lists the batch folder with exactly one trailing slash', () => {
    expect(batchListPrefix('incoming/b1')).toBe('incoming/b1/');
    expect(batchListPrefix('incoming/b1//')).toBe('incoming/b1/');
    expect(batchListPrefix('')).toBe('');
    expect(isBatchObject('', 'batch.json')).toBe(false);
    expect(isBatchObject('', 'sub/batch.json')).toBe(true);
  });
});
