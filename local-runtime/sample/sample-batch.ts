import { ImageReason } from '../../functions/kernel/rules/reason-codes';
import {
  type Color,
  createRaster,
  drawDistractor,
  drawLogo,
  encodeJpegImage,
  encodePngImage,
  LOGO_ASPECT,
  paintBackground,
  type Rect,
} from './logo-drawing';
import { createRandom, randomInt } from './seeded-random';

/** One true (drawn) box, in pixels from the top-left corner. */
export interface TruthBox extends Rect {
  label: string;
}

/** What is really in a sample image: its size and every logo drawn in it. */
export interface TruthImage {
  width: number;
  height: number;
  boxes: TruthBox[];
}

export interface SampleFile {
  /** File name inside the batch folder (may contain spaces and non-ASCII characters). */
  name: string;
  body: Uint8Array;
  contentType: string;
}

export interface SampleBatch {
  labels: string[];
  files: SampleFile[];
  /** True boxes of every valid image, by file name. Rejected files have no entry. */
  truth: Record<string, TruthImage>;
  /** Files that validation must reject, with the reason code it must give. */
  expectedRejections: { name: string; code: ImageReason }[];
}

const SAMPLE_LABELS = ['acme', 'globex', 'initech'] as const;

const VALID_IMAGE_COUNT = 32;

/**
 * Frame sizes, landscape, portrait and square: mostly small, because encoding JPEG in pure
 * JavaScript dominates generation time, with a few large ones (listed once each).
 */
const FRAME_SIZES: readonly (readonly [number, number])[] = [
  [320, 240],
  [320, 240],
  [400, 300],
  [400, 300],
  [480, 360],
  [480, 360],
  [360, 480],
  [360, 480],
  [640, 360],
  [640, 480],
  [512, 512],
  [800, 600],
  [1280, 720],
];

/**
 * Frames of the images past the first 32 of a large sample (`--sample-size`): small, so 2,000 of
 * them draw in seconds, and still above Rekognition's 64 px minimum.
 */
const LARGE_SAMPLE_FRAMES: readonly (readonly [number, number])[] = [
  [192, 144],
  [160, 160],
  [144, 192],
];

/** File names that exercise key encoding (spaces, non-ASCII, URL-special characters). */
const SPECIAL_NAMES: Record<number, string> = {
  5: 'street corner ü 東京 05',
  11: 'shop window + sign 11',
};

/** The valid image the batch repeats byte for byte under another name. */
const DUPLICATED_INDEX = 3;

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function randomColor(random: () => number, min: number, max: number): Color {
  return [randomInt(random, min, max), randomInt(random, min, max), randomInt(random, min, max)];
}

function overlaps(a: Rect, b: Rect, padding: number): boolean {
  return (
    a.left < b.left + b.width + padding &&
    b.left < a.left + a.width + padding &&
    a.top < b.top + b.height + padding &&
    b.top < a.top + a.height + padding
  );
}

/** Finds a spot for a box of the given size that does not touch the boxes already placed. */
function place(random: () => number, frame: Rect, width: number, height: number, taken: Rect[]): Rect | undefined {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const candidate = {
      left: randomInt(random, 2, frame.width - width - 2),
      top: randomInt(random, 2, frame.height - height - 2),
      width,
      height,
    };
    if (!taken.some((box) => overlaps(box, candidate, 6))) return candidate;
  }
  return undefined;
}

function logoCount(random: () => number): number {
  const roll = random();
  if (roll < 0.1) return 0;
  if (roll < 0.45) return 1;
  if (roll < 0.8) return 2;
  return 3;
}

interface DrawnImage {
  truth: TruthImage;
  body: Uint8Array;
  format: 'jpeg' | 'png';
}

function drawSampleImage(random: () => number, large = false): DrawnImage {
  const [width, height] = pick(random, large ? LARGE_SAMPLE_FRAMES : FRAME_SIZES);
  const raster = createRaster(width, height);
  paintBackground(
    raster,
    randomColor(random, 40, 220),
    randomColor(random, 40, 220),
    // jpeg-js sets up its tables on every call (tens of ms): a large sample's extra images are
    // smooth PNGs instead, which encode in about a millisecond and stay a few KB.
    large ? 0 : randomInt(random, 4, 30),
    randomInt(random, 1, 2 ** 31),
  );

  const frame = { left: 0, top: 0, width, height };
  const taken: Rect[] = [];
  const boxes: TruthBox[] = [];
  const shortSide = Math.min(width, height);
  for (let index = logoCount(random); index > 0; index -= 1) {
    const label = pick(random, SAMPLE_LABELS);
    const aspect = LOGO_ASPECT[label] ?? 1;
    // Logos from small (about 1/7 of the short side) to large (about 1/2), never below 24 px.
    const boxHeight = Math.max(24, Math.round(shortSide * (0.14 + random() * 0.34)));
    const boxWidth = Math.round(boxHeight * aspect);
    const box = place(random, frame, boxWidth, boxHeight, taken);
    if (!box) continue;
    drawLogo(raster, label, box);
    taken.push(box);
    boxes.push({ label, ...box });
  }
  for (let index = randomInt(random, 0, 2); index > 0; index -= 1) {
    const side = Math.round(shortSide * (0.08 + random() * 0.12));
    const box = place(random, frame, side, side, taken);
    if (!box) continue;
    drawDistractor(raster, box, randomInt(random, 90, 200));
    taken.push(box);
  }

  const format = !large && random() < 0.6 ? 'jpeg' : 'png';
  const body = format === 'jpeg' ? encodeJpegImage(raster, randomInt(random, 80, 92)) : encodePngImage(raster);
  return { truth: { width, height, boxes }, body, format };
}

/** Byte offset of a JPEG's start-of-frame segment; the truncated sample is cut halfway to it. */
function frameHeaderOffset(jpeg: Uint8Array): number {
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xc3) return at;
    at += 2 + (((jpeg[at + 2] ?? 0) << 8) | (jpeg[at + 3] ?? 0));
  }
  throw new Error('sample JPEG has no frame header');
}

function extension(format: 'jpeg' | 'png'): string {
  return format === 'jpeg' ? 'jpg' : 'png';
}

function contentType(format: 'jpeg' | 'png'): string {
  return format === 'jpeg' ? 'image/jpeg' : 'image/png';
}

/**
 * Generates the sample batch `npm start` uploads: logo images of three brands whose true boxes
 * are known (so the Ground Truth stand-in can simulate workers), plus files validation must
 * reject. Everything is drawn in code and deterministic: the same seed gives the same bytes.
 *
 * The rejected files: a JPEG upload cut off before its frame header (TRUNCATED_IMAGE), a text file named
 * `.jpg` (no JPEG/PNG signature: UNSUPPORTED_FORMAT), a 32×32 PNG (below Rekognition's 64 px minimum,
 * https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html: TOO_SMALL), a byte-identical copy of a valid image whose name sorts after the
 * original (DUPLICATE), and an empty file (EMPTY_FILE).
 */
export function generateSampleBatch(options: { seed: number; size?: number }): SampleBatch {
  const size = options.size ?? VALID_IMAGE_COUNT;
  if (!Number.isInteger(size) || size < DUPLICATED_INDEX) {
    throw new Error(`a sample needs at least ${DUPLICATED_INDEX} valid images, got ${size}`);
  }
  const digits = Math.max(2, String(size).length);
  const random = createRandom(options.seed);
  const files: SampleFile[] = [];
  const truth: Record<string, TruthImage> = {};
  const drawn: DrawnImage[] = [];

  for (let index = 1; index <= size; index += 1) {
    const image = drawSampleImage(random, index > VALID_IMAGE_COUNT);
    const stem = SPECIAL_NAMES[index] ?? `sample-${String(index).padStart(digits, '0')}`;
    const name = `${stem}.${extension(image.format)}`;
    files.push({ name, body: image.body, contentType: contentType(image.format) });
    truth[name] = image.truth;
    drawn.push(image);
  }

  const duplicated = drawn[DUPLICATED_INDEX - 1];
  const firstJpeg = drawn.find((image) => image.format === 'jpeg');
  if (!duplicated || !firstJpeg) throw new Error('sample batch drew too few images');

  const tinyRaster = createRaster(32, 32);
  paintBackground(tinyRaster, [200, 40, 40], [240, 200, 200], 10, options.seed + 1);
  const rejected: { file: SampleFile; code: ImageReason }[] = [
    {
      file: {
        name: 'truncated-upload.jpg',
        body: firstJpeg.body.slice(0, Math.floor(frameHeaderOffset(firstJpeg.body) / 2)),
        contentType: 'image/jpeg',
      },
      code: ImageReason.TRUNCATED_IMAGE,
    },
    {
      file: {
        name: 'notes.jpg',
        body: new TextEncoder().encode('Remember to upload the logo photos from the trade fair.\n'),
        contentType: 'image/jpeg',
      },
      code: ImageReason.UNSUPPORTED_FORMAT,
    },
    {
      file: { name: 'tiny-icon.png', body: encodePngImage(tinyRaster), contentType: 'image/png' },
      code: ImageReason.TOO_SMALL,
    },
    {
      file: {
        name: `sample-duplicate-of-${String(DUPLICATED_INDEX).padStart(digits, '0')}.${extension(duplicated.format)}`,
        body: duplicated.body.slice(),
        contentType: contentType(duplicated.format),
      },
      code: ImageReason.DUPLICATE,
    },
    { file: { name: 'empty.png', body: new Uint8Array(0), contentType: 'image/png' }, code: ImageReason.EMPTY_FILE },
  ];
  for (const { file } of rejected) files.push(file);

  return {
    labels: [...SAMPLE_LABELS],
    files,
    truth,
    expectedRejections: rejected.map(({ file, code }) => ({ name: file.name, code })),
  };
}
