import { crc32, deflateSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';

/** An RGB image being drawn, 3 bytes per pixel, row-major. */
export interface Raster {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export type Color = readonly [number, number, number];

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function createRaster(width: number, height: number): Raster {
  return { width, height, rgb: new Uint8Array(width * height * 3) };
}

/** Rounds without `Math.round`: that call is very slow in hot loops inside jest's VM context. */
function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : (value + 0.5) | 0;
}

/**
 * Fills the raster with a diagonal two-colour gradient plus per-pixel noise, so logos sit on
 * something less trivial than a flat colour (and JPEG artefacts look like a photo's).
 */
export function paintBackground(raster: Raster, from: Color, to: Color, noise: number, seed: number): void {
  const { width, height, rgb } = raster;
  let state = seed >>> 0 || 1;
  const span = width + height - 2 || 1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const t = (x + y) / span;
      // xorshift32 inline: this loop touches every pixel, so it must be cheap.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const jitter = (((state >>> 0) % 1000) / 1000 - 0.5) * 2 * noise;
      const offset = (y * width + x) * 3;
      rgb[offset] = clampByte(from[0] + (to[0] - from[0]) * t + jitter);
      rgb[offset + 1] = clampByte(from[1] + (to[1] - from[1]) * t + jitter);
      rgb[offset + 2] = clampByte(from[2] + (to[2] - from[2]) * t + jitter);
    }
  }
}

/** Fills the pixels of `rect` (clipped to the raster); coordinates are rounded to whole pixels. */
function fillRect(raster: Raster, rect: Rect, color: Color): void {
  const x0 = Math.max(0, Math.round(rect.left));
  const y0 = Math.max(0, Math.round(rect.top));
  const x1 = Math.min(raster.width, Math.round(rect.left + rect.width));
  const y1 = Math.min(raster.height, Math.round(rect.top + rect.height));
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const offset = (y * raster.width + x) * 3;
      raster.rgb[offset] = color[0];
      raster.rgb[offset + 1] = color[1];
      raster.rgb[offset + 2] = color[2];
    }
  }
}

/** Fills the ellipse inscribed in `rect`, so its bounding box is exactly `rect`. */
function fillEllipse(raster: Raster, rect: Rect, color: Color): void {
  const cx = rect.left + rect.width / 2;
  const cy = rect.top + rect.height / 2;
  const rx = rect.width / 2;
  const ry = rect.height / 2;
  const y0 = Math.max(0, Math.floor(rect.top));
  const y1 = Math.min(raster.height, Math.ceil(rect.top + rect.height));
  const x0 = Math.max(0, Math.floor(rect.left));
  const x1 = Math.min(raster.width, Math.ceil(rect.left + rect.width));
  for (let y = y0; y < y1; y += 1) {
    const dy = (y + 0.5 - cy) / ry;
    for (let x = x0; x < x1; x += 1) {
      const dx = (x + 0.5 - cx) / rx;
      if (dx * dx + dy * dy <= 1) {
        const offset = (y * raster.width + x) * 3;
        raster.rgb[offset] = color[0];
        raster.rgb[offset + 1] = color[1];
        raster.rgb[offset + 2] = color[2];
      }
    }
  }
}

/** 5×7 block letters; each `#` cell is drawn as one rectangle. */
const GLYPHS: Record<string, readonly string[]> = {
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  G: ['.###.', '#...#', '#....', '#.###', '#...#', '#...#', '.###.'],
  I: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '#####'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  X: ['#...#', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '#...#'],
};

/** Draws `text` in block letters filling `rect` (one 5×7 cell grid per letter, one blank column between). */
function drawBlockText(raster: Raster, text: string, rect: Rect, color: Color): void {
  const columns = text.length * 6 - 1;
  const cellWidth = rect.width / columns;
  const cellHeight = rect.height / 7;
  [...text].forEach((letter, index) => {
    const rows = GLYPHS[letter];
    if (!rows) throw new Error(`no block glyph for ${letter}`);
    rows.forEach((row, rowIndex) => {
      [...row].forEach((cell, columnIndex) => {
        if (cell !== '#') return;
        fillRect(
          raster,
          {
            left: rect.left + (index * 6 + columnIndex) * cellWidth,
            top: rect.top + rowIndex * cellHeight,
            width: cellWidth,
            height: cellHeight,
          },
          color,
        );
      });
    });
  });
}

/** Width / height of each brand's logo, so placement can size boxes that the logo fills exactly. */
export const LOGO_ASPECT: Record<string, number> = { acme: 1, globex: 1.6, initech: 1.25 };

/**
 * Draws one brand's logo filling `box` edge to edge (the box is the true bounding box):
 * - acme: red disc with a white block "A";
 * - globex: blue ellipse with light bands and a yellow block "G";
 * - initech: dark green frame around a pale panel with a block "IT".
 */
export function drawLogo(raster: Raster, brand: string, box: Rect): void {
  const { left, top, width, height } = box;
  switch (brand) {
    case 'acme':
      fillEllipse(raster, box, [214, 40, 40]);
      drawBlockText(
        raster,
        'A',
        { left: left + width * 0.3, top: top + height * 0.25, width: width * 0.4, height: height * 0.5 },
        [255, 255, 255],
      );
      return;
    case 'globex':
      fillEllipse(raster, box, [30, 70, 200]);
      for (const band of [0.3, 0.7]) {
        fillRect(
          raster,
          {
            left: left + width * 0.12,
            top: top + height * band,
            width: width * 0.76,
            height: Math.max(1, height * 0.06),
          },
          [150, 190, 255],
        );
      }
      drawBlockText(
        raster,
        'G',
        { left: left + width * 0.38, top: top + height * 0.22, width: width * 0.24, height: height * 0.56 },
        [250, 210, 30],
      );
      return;
    case 'initech':
      fillRect(raster, box, [20, 110, 60]);
      fillRect(
        raster,
        { left: left + width * 0.1, top: top + height * 0.12, width: width * 0.8, height: height * 0.76 },
        [225, 240, 225],
      );
      drawBlockText(
        raster,
        'IT',
        { left: left + width * 0.2, top: top + height * 0.25, width: width * 0.6, height: height * 0.5 },
        [20, 110, 60],
      );
      return;
    default:
      throw new Error(`no logo for brand ${brand}`);
  }
}

/** A distractor that is not a logo (grey "X" on a plain panel), so not every shape is a brand. */
export function drawDistractor(raster: Raster, box: Rect, shade: number): void {
  fillRect(raster, box, [shade, shade, shade]);
  drawBlockText(
    raster,
    'X',
    {
      left: box.left + box.width * 0.25,
      top: box.top + box.height * 0.2,
      width: box.width * 0.5,
      height: box.height * 0.6,
    },
    [shade / 2, shade / 2, shade / 2],
  );
}

export function encodeJpegImage(raster: Raster, quality: number): Uint8Array {
  const rgba = new Uint8Array(raster.width * raster.height * 4);
  for (let source = 0, target = 0; source < raster.rgb.length; source += 3, target += 4) {
    rgba[target] = raster.rgb[source] ?? 0;
    rgba[target + 1] = raster.rgb[source + 1] ?? 0;
    rgba[target + 2] = raster.rgb[source + 2] ?? 0;
    rgba[target + 3] = 255;
  }
  return new Uint8Array(encodeJpeg({ width: raster.width, height: raster.height, data: rgba }, quality).data);
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(Buffer.from(type, 'latin1'))), 0);
  return Buffer.concat([header, data, crc]);
}

/** Minimal PNG encoder (8-bit RGB, no filtering): enough for sample images, no dependency needed. */
export function encodePngImage(raster: Raster): Uint8Array {
  const { width, height, rgb } = raster;
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (stride + 1)] = 0;
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      pngChunk('IHDR', header),
      pngChunk('IDAT', deflateSync(raw, { level: 1 })),
      pngChunk('IEND', new Uint8Array(0)),
    ]),
  );
}
