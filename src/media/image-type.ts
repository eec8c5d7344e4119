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

const JPEG_SOS = 0xda;

/** Start-of-frame markers: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
function isJpegFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
}

/** Markers that begin a segment with a length: C0–FE but RST0–7, SOI and EOI. */
function isJpegSegment(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xfe && !(marker >= 0xd0 && marker <= 0xd9);
}

/**
 * JPEG: start-of-image, then a chain of well-formed segments holding a frame header up
 * to the start of scan, and end-of-image as the last two bytes. Checking the chain, not
 * only the first and last bytes, refuses a page wrapped in JPEG markers.
 */
function isJpeg(bytes: Buffer): boolean {
  if (bytes.length < 8 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) return false;
  let at = 2;
  let frame = false;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte before a marker
      continue;
    }
    if (!isJpegSegment(marker)) return false;
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) return false;
    if (marker === JPEG_SOS) return frame && at + 2 + length <= bytes.length - 2;
    frame ||= isJpegFrame(marker);
    at += 2 + length;
  }
  return false;
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
