import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import { decode as decodeJpeg } from 'jpeg-js';
import { ImageReason } from '../../functions/kernel/rules/reason-codes';
import { findDuplicates } from '../../functions/validation/rules/duplicates';
import { parseImageHeader } from '../../functions/validation/rules/image-header';
import { inspectImage } from '../../functions/validation/rules/image-rules';
import { generateSampleBatch, type SampleBatch } from '../../local-runtime/sample/sample-batch';

function bodyOf(batch: SampleBatch, name: string): Uint8Array {
  const file = batch.files.find((candidate) => candidate.name === name);
  if (!file) throw new Error(`no file ${name}`);
  return file.body;
}

function rejectionNamed(batch: SampleBatch, code: ImageReason): string {
  const rejection = batch.expectedRejections.find((candidate) => candidate.code === code);
  if (!rejection) throw new Error(`no rejection with ${code}`);
  return rejection.name;
}

describe('generateSampleBatch', () => {
  const batch = generateSampleBatch({ seed: 7 });
  const validNames = Object.keys(batch.truth);

  it('produces the same bytes for the same seed and different bytes for another seed', () => {
    const again = generateSampleBatch({ seed: 7 });
    const other = generateSampleBatch({ seed: 8 });

    expect(again.files.map((file) => file.name)).toEqual(batch.files.map((file) => file.name));
    again.files.forEach((file, index) => {
      expect(Buffer.from(file.body).equals(Buffer.from(batch.files[index]?.body ?? []))).toBe(true);
    });
    expect(again.truth).toEqual(batch.truth);
    expect(other.truth).not.toEqual(batch.truth);
  });

  it('generates a batch in well under 3 seconds of CPU time', () => {
    // CPU time, not wall time: other processes on a loaded machine must not fail this test.
    const started = process.cpuUsage();
    generateSampleBatch({ seed: 123 });
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(3000);
  });

  it('has 24 to 40 valid images of at least three brands, in both formats and several sizes', () => {
    const labelCounts = new Map<string, number>();
    for (const image of Object.values(batch.truth)) {
      for (const box of image.boxes) labelCounts.set(box.label, (labelCounts.get(box.label) ?? 0) + 1);
    }
    const sizes = new Set(Object.values(batch.truth).map((image) => `${image.width}x${image.height}`));

    expect(validNames.length).toBeGreaterThanOrEqual(24);
    expect(validNames.length).toBeLessThanOrEqual(40);
    expect(batch.labels).toEqual(['acme', 'globex', 'initech']);
    for (const label of batch.labels) expect(labelCounts.get(label)).toBeGreaterThanOrEqual(5);
    expect(validNames.some((name) => name.endsWith('.jpg'))).toBe(true);
    expect(validNames.some((name) => name.endsWith('.png'))).toBe(true);
    expect(sizes.size).toBeGreaterThanOrEqual(4);
    expect(Object.values(batch.truth).some((image) => image.boxes.length === 0)).toBe(true);
    expect(Object.values(batch.truth).some((image) => image.boxes.length >= 2)).toBe(true);
  });

  it('includes file names with spaces and non-ASCII characters', () => {
    expect(validNames.some((name) => /\s/.test(name) && /[^\x20-\x7e]/.test(name))).toBe(true);
  });

  it.each([1, 7, 99, 2026])('keeps every true box inside its frame and at least 24 px for seed %i', (seed) => {
    const sample = generateSampleBatch({ seed });
    for (const image of Object.values(sample.truth)) {
      for (const box of image.boxes) {
        expect(sample.labels).toContain(box.label);
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.top).toBeGreaterThanOrEqual(0);
        expect(box.width).toBeGreaterThanOrEqual(24);
        expect(box.height).toBeGreaterThanOrEqual(24);
        expect(box.left + box.width).toBeLessThanOrEqual(image.width);
        expect(box.top + box.height).toBeLessThanOrEqual(image.height);
      }
    }
  });

  it('encodes every valid image in the format its name and content type say, at the true size', () => {
    for (const file of batch.files.filter((candidate) => candidate.name in batch.truth)) {
      const truth = batch.truth[file.name];
      const size = imageSize(file.body);
      const expectedType = file.name.endsWith('.png') ? 'png' : 'jpg';

      expect(size.type).toBe(expectedType);
      expect(file.contentType).toBe(expectedType === 'png' ? 'image/png' : 'image/jpeg');
      expect({ width: size.width, height: size.height }).toEqual({ width: truth?.width, height: truth?.height });
    }
  });

  it('draws each brand where its true box says (JPEG pixels carry the brand colour)', () => {
    const brandPoint: Record<string, { x: number; y: number; channel: number }> = {
      acme: { x: 0.5, y: 0.12, channel: 0 },
      globex: { x: 0.5, y: 0.12, channel: 2 },
      initech: { x: 0.04, y: 0.5, channel: 1 },
    };
    let checked = 0;
    for (const name of validNames.filter((candidate) => candidate.endsWith('.jpg'))) {
      const decoded = decodeJpeg(bodyOf(batch, name), { useTArray: true });
      for (const box of batch.truth[name]?.boxes ?? []) {
        const point = brandPoint[box.label];
        if (!point) throw new Error(`unexpected label ${box.label}`);
        const x = Math.floor(box.left + box.width * point.x);
        const y = Math.floor(box.top + box.height * point.y);
        const offset = (y * decoded.width + x) * 4;
        const rgb = [decoded.data[offset] ?? 0, decoded.data[offset + 1] ?? 0, decoded.data[offset + 2] ?? 0];
        const dominant = rgb.indexOf(Math.max(...rgb));
        expect({ name, label: box.label, dominant }).toEqual({ name, label: box.label, dominant: point.channel });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('lists the bad files with reason codes that exist in ImageReason', () => {
    const codes = batch.expectedRejections.map((rejection) => rejection.code);
    const names = new Set(batch.files.map((file) => file.name));

    expect([...codes].sort()).toEqual(
      [
        ImageReason.TRUNCATED_IMAGE,
        ImageReason.UNSUPPORTED_FORMAT,
        ImageReason.TOO_SMALL,
        ImageReason.DUPLICATE,
        ImageReason.EMPTY_FILE,
      ].sort(),
    );
    for (const rejection of batch.expectedRejections) {
      expect(Object.values(ImageReason)).toContain(rejection.code);
      expect(names.has(rejection.name)).toBe(true);
      expect(batch.truth[rejection.name]).toBeUndefined();
    }
    expect(new Set(batch.files.map((file) => file.name)).size).toBe(batch.files.length);
  });

  it('makes the bad files bad in the way their codes say', () => {
    const truncated = bodyOf(batch, rejectionNamed(batch, ImageReason.TRUNCATED_IMAGE));
    const text = bodyOf(batch, rejectionNamed(batch, ImageReason.UNSUPPORTED_FORMAT));
    const tinyName = rejectionNamed(batch, ImageReason.TOO_SMALL);
    const duplicateName = rejectionNamed(batch, ImageReason.DUPLICATE);
    const empty = bodyOf(batch, rejectionNamed(batch, ImageReason.EMPTY_FILE));

    // JPEG start-of-image marker present, no start-of-frame marker (cut before the frame header).
    expect([...truncated.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(Buffer.from(truncated).includes(Buffer.from([0xff, 0xc0]))).toBe(false);
    expect(() => decodeJpeg(truncated, { useTArray: true })).toThrow();
    expect(Buffer.from(text).toString('utf8')).toMatch(/^[\x20-\x7e\n]+$/);
    expect(imageSize(bodyOf(batch, tinyName))).toMatchObject({ width: 32, height: 32, type: 'png' });
    expect(empty.length).toBe(0);

    const duplicate = Buffer.from(bodyOf(batch, duplicateName));
    const originals = validNames.filter((name) => duplicate.equals(Buffer.from(bodyOf(batch, name))));
    expect(originals).toHaveLength(1);
    // The copy sorts after the original, so a validator keeping the first in key order rejects the copy.
    expect([originals[0], duplicateName].sort()).toEqual([originals[0], duplicateName]);
  });

  it('does not repeat any valid image', () => {
    const hashes = new Set(validNames.map((name) => Buffer.from(bodyOf(batch, name)).toString('base64')));
    expect(hashes.size).toBe(validNames.length);
  });

  it('is judged exactly as expected by the pipeline validation rules (header, per-file rules, duplicates)', () => {
    const prefix = 'incoming/sample/';
    const perFile = batch.files.flatMap((file) => {
      const header = parseImageHeader(file.body, true);
      if (header.status === 'need') throw new Error(`header of ${file.name} needs more bytes than the whole file`);
      return inspectImage(file.body.length, header).reasons.map((reason) => ({ name: file.name, code: reason.code }));
    });
    const duplicates = findDuplicates(
      batch.files.map((file) => ({
        key: `${prefix}${file.name}`,
        size: file.body.length,
        etag: createHash('md5').update(file.body).digest('hex'),
      })),
    );
    const duplicateRejections = [...duplicates.keys()].map((key) => ({
      name: key.slice(prefix.length),
      code: ImageReason.DUPLICATE,
    }));
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);

    expect([...perFile, ...duplicateRejections].sort(byName)).toEqual([...batch.expectedRejections].sort(byName));
  });
});

describe('generateSampleBatch with a size', () => {
  const large = generateSampleBatch({ seed: 3, size: 300 });

  it('draws that many valid images, distinct, valid and with their true sizes, plus the same bad files', () => {
    const names = Object.keys(large.truth);
    expect(names).toHaveLength(300);
    expect(names).toContain('sample-300.png');
    expect(large.expectedRejections).toHaveLength(5);
    const bodies = new Set(names.map((name) => createHash('md5').update(bodyOf(large, name)).digest('hex')));
    expect(bodies.size).toBe(300);
    for (const name of names) {
      const body = bodyOf(large, name);
      const header = parseImageHeader(body, true);
      if (header.status === 'need') throw new Error(`${name}: header needs more bytes`);
      expect(inspectImage(body.length, header).reasons).toEqual([]);
      expect(imageSize(body)).toMatchObject({ width: large.truth[name]?.width, height: large.truth[name]?.height });
    }
  });

  it('keeps the default sample as it was: the first 32 images are the same bytes', () => {
    const small = generateSampleBatch({ seed: 3 });
    expect(Object.keys(small.truth)).toHaveLength(32);
    expect(bodyOf(large, 'sample-012.jpg' in large.truth ? 'sample-012.jpg' : 'sample-012.png')).toEqual(
      bodyOf(small, 'sample-12.jpg' in small.truth ? 'sample-12.jpg' : 'sample-12.png'),
    );
  });

  it('refuses a sample too small to hold its duplicate', () => {
    expect(() => generateSampleBatch({ seed: 1, size: 2 })).toThrow('at least 3 valid images');
  });
});
