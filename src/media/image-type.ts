/*
 * What an uploaded photo really is, read from its bytes: the declared Content-Type or a
 * file name says nothing (an HTML page named `me.png` declares `image/png`). Besides the
 * signature, each format's outer structure must account for the whole file, so a
 * polyglot that appends a page or a script after a valid image is refused as well.
 */

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_CHUNK_OVERHEAD = 12; // length, type, CRC
const WEBP_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X']);

/** PNG: IHDR first, then whole chunks up to IEND, which ends the file. */
function isPng(bytes: Buffer): boolean {
  if (bytes.length < 8 + 2 * PNG_CHUNK_OVERHEAD + 13) return false;
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return false;

  let offset = 8;
  while (offset + PNG_CHUNK_OVERHEAD <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    offset += PNG_CHUNK_OVERHEAD + length;
    if (type === 'IEND') return offset === bytes.length;
  }
  return false;
}

/** JPEG: start-of-image with a marker after it, end-of-image as the last two bytes. */
function isJpeg(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  const start = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const end = bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
  return start && end;
}

/** WebP: a RIFF container whose size field covers exactly the file, holding a VP8 image. */
function isWebp(bytes: Buffer): boolean {
  if (bytes.length < 20) return false;
  if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') {
    return false;
  }
  const riffBytes = bytes.readUInt32LE(4) + 8;
  const padded = riffBytes + (riffBytes % 2);
  if (bytes.length !== riffBytes && bytes.length !== padded) return false;
  return WEBP_CHUNKS.has(bytes.toString('latin1', 12, 16));
}

/** The photo's real type, or null when it is not a whole JPEG, PNG or WebP file. */
export function detectPhotoType(bytes: Buffer): PhotoType | null {
  if (isJpeg(bytes)) return 'image/jpeg';
  if (isPng(bytes)) return 'image/png';
  if (isWebp(bytes)) return 'image/webp';
  return null;
}
