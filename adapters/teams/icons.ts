/**
 * The Teams app icons, drawn in code so they can be rebuilt exactly: two rings touching at one
 * point (a touch-point). color.png is 192×192, white on the accent colour; outline.png is 32×32,
 * white on transparent, as Teams requires. Written as PNG with node's zlib, no image library.
 */
import { deflateSync } from 'node:zlib';

export const ACCENT_COLOR = '#2E6F62';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA image as PNG (8 bits per channel, no filtering, maximum compression). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error('pixel data does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Ring {
  cx: number;
  cy: number;
  radius: number;
  stroke: number;
}

/** The two touching rings for a square of `size`, as fractions of it. */
function rings(size: number): Ring[] {
  const radius = size * 0.19;
  const stroke = Math.max(2, size * 0.055);
  return [
    { cx: size / 2 - radius, cy: size / 2, radius, stroke },
    { cx: size / 2 + radius, cy: size / 2, radius, stroke },
  ];
}

/** How much of the pixel at (x, y) the rings cover, 0..1 (4×4 supersampling for smooth edges). */
function coverage(x: number, y: number, shapes: Ring[]): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      if (shapes.some((r) => Math.abs(Math.hypot(px - r.cx, py - r.cy) - r.radius) <= r.stroke / 2)) hits += 1;
    }
  }
  return hits / 16;
}

function hex(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** 192×192: the white rings on the accent colour, edge to edge. */
export function colorIcon(size = 192): Buffer {
  const [r, g, b] = hex(ACCENT_COLOR);
  const shapes = rings(size);
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, shapes);
      const i = (y * size + x) * 4;
      px[i] = Math.round(r + (255 - r) * c);
      px[i + 1] = Math.round(g + (255 - g) * c);
      px[i + 2] = Math.round(b + (255 - b) * c);
      px[i + 3] = 255;
    }
  }
  return encodePng(size, size, px);
}

/** 32×32: the rings in white, everything else transparent. */
export function outlineIcon(size = 32): Buffer {
  const shapes = rings(size);
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const alpha = Math.round(coverage(x, y, shapes) * 255);
      const i = (y * size + x) * 4;
      // Fully transparent pixels are written as 0,0,0,0; every visible pixel is pure white.
      if (alpha > 0) px.set([255, 255, 255, alpha], i);
    }
  }
  return encodePng(size, size, px);
}
