import { describe, expect, it } from 'vitest';
import { HTML_PAGE, pngPolyglot, solidPng } from '../../test/support/images.js';
import { detectPhotoType } from './image-type.js';

function webp(payload: Buffer, chunk = 'VP8 '): Buffer {
  const riff = Buffer.alloc(12 + 4);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + 4 + payload.length, 4);
  riff.write('WEBP', 8, 'latin1');
  riff.write(chunk, 12, 'latin1');
  return Buffer.concat([riff, payload]);
}

/** A segment: marker, big-endian length (itself included), body. */
function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/** The segment chain of a one-component baseline JPEG; the scan data is not decoded. */
const JPEG = Buffer.from([
  0xff,
  0xd8,
  ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  ...segment(0xdb, [0, ...Array<number>(64).fill(1)]),
  ...segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
  ...segment(0xc4, [0, 0, 1, ...Array<number>(15).fill(0), 0]),
  ...segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
  0x12,
  0x34,
  0xff,
  0xd9,
]);

describe('photo type from the bytes', () => {
  it('knows whole JPEG, PNG and WebP files', () => {
    expect(detectPhotoType(JPEG)).toBe('image/jpeg');
    expect(detectPhotoType(solidPng(3, [1, 2, 3]))).toBe('image/png');
    expect(detectPhotoType(webp(Buffer.alloc(10)))).toBe('image/webp');
  });

  it('refuses pages, polyglots, truncated files and other formats', () => {
    const png = solidPng(3, [1, 2, 3]);
    const refused = [
      HTML_PAGE,
      pngPolyglot(),
      png.subarray(0, png.length - 1),
      Buffer.concat([JPEG, HTML_PAGE]),
      // A page between JPEG's first and last markers, as a fake photo would be.
      Buffer.concat([JPEG.subarray(0, 3), HTML_PAGE, JPEG.subarray(-2)]),
      // Markers without a frame header: no image in it.
      Buffer.from([0xff, 0xd8, ...segment(0xe0, [0, 0]), ...segment(0xda, [0]), 0xff, 0xd9]),
      Buffer.concat([webp(Buffer.alloc(10)), HTML_PAGE]),
      webp(Buffer.alloc(10), 'ABCD'),
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
      Buffer.alloc(0),
    ];
    for (const [i, bytes] of refused.entries())
      expect([i, detectPhotoType(bytes)]).toEqual([i, null]);
  });
});
