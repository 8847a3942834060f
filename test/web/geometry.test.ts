import {
  boxInView,
  fitView,
  moveBox,
  resizeBox,
  snapBox,
  toImage,
  visibleImageRect,
  zoomAt,
} from '../../web/src/lib/geometry';

const image = { width: 640, height: 480 };

describe('snapBox', () => {
  it('keeps a box inside the image on whole pixels', () => {
    expect(snapBox({ left: 10.4, top: 20.6, width: 100.2, height: 50 }, image)).toEqual({
      left: 10,
      top: 21,
      width: 101,
      height: 50,
    });
  });

  it('cuts the parts outside the image', () => {
    expect(snapBox({ left: -30, top: 400, width: 100, height: 200 }, image)).toEqual({
      left: 0,
      top: 400,
      width: 70,
      height: 80,
    });
  });

  it('normalises a drag up and to the left', () => {
    expect(snapBox({ left: 200, top: 100, width: -50, height: -40 }, image)).toEqual({
      left: 150,
      top: 60,
      width: 50,
      height: 40,
    });
  });

  it('drops what is smaller than the minimum once inside the image', () => {
    expect(snapBox({ left: 639, top: 10, width: 40, height: 40 }, image)).toBeNull();
    expect(snapBox({ left: 5, top: 5, width: 1, height: 30 }, image)).toBeNull();
    expect(snapBox({ left: -50, top: -50, width: 20, height: 20 }, image)).toBeNull();
  });
});

describe('moving and resizing by keys', () => {
  const box = { left: 600, top: 10, width: 30, height: 20 };
  it('moves without leaving the image', () => {
    expect(moveBox(box, 50, -50, image)).toEqual({ left: 610, top: 0, width: 30, height: 20 });
    expect(moveBox(box, -1, 1, image)).toEqual({ left: 599, top: 11, width: 30, height: 20 });
  });
  it('resizes from the right and bottom edges, within the image and above the minimum', () => {
    expect(resizeBox(box, 100, 5, image)).toEqual({ left: 600, top: 10, width: 40, height: 25 });
    expect(resizeBox(box, -100, -100, image)).toEqual({ left: 600, top: 10, width: 2, height: 2 });
  });
  it('places a keyboard box in the middle of what is visible', () => {
    expect(boxInView({ left: 100, top: 100, width: 400, height: 200 }, image)).toEqual({
      left: 250,
      top: 175,
      width: 100,
      height: 50,
    });
  });
});

describe('view', () => {
  it('fits the whole image, centred, with a margin', () => {
    const view = fitView({ width: 1000, height: 536 }, image);
    expect(view.scale).toBeCloseTo(1.05);
    expect(view.x).toBeCloseTo((1000 - 640 * 1.05) / 2);
    expect(view.y).toBeCloseTo(16);
  });

  it('zooms under the pointer: the image point under it stays put', () => {
    const view = { scale: 1.5, x: 40, y: 30 };
    const before = toImage(view, 300, 200);
    const zoomed = zoomAt(view, 2, 300, 200);
    expect(zoomed.scale).toBe(3);
    const after = toImage(zoomed, 300, 200);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('bounds the zoom', () => {
    expect(zoomAt({ scale: 10, x: 0, y: 0 }, 4, 0, 0).scale).toBe(16);
    expect(zoomAt({ scale: 0.1, x: 0, y: 0 }, 0.1, 0, 0).scale).toBe(0.05);
  });

  it('tells the visible part of the image in image pixels', () => {
    expect(visibleImageRect({ scale: 2, x: -100, y: 0 }, { width: 400, height: 2000 }, image)).toEqual({
      left: 50,
      top: 0,
      width: 200,
      height: 480,
    });
  });
});
