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

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);

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
