/**
 * A small PNG reader for `forward --image`: 8-bit (or 16-bit) grey, grey+alpha, RGB, RGBA or palette images, not
 * interlaced. Gives grey levels or RGB as 0…1 floats, row-major, channels last. Refuses anything else in words.
 */
import { inflateSync } from 'node:zlib';

export interface DecodedImage {
  width: number;
  height: number;
  /** height × width × 3, 0…1 (grey images repeat their level). */
  rgb: Float32Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function decodePng(bytes: Uint8Array): DecodedImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
  let palette: Uint8Array | null = null;
  const data: Uint8Array[] = [];
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length) throw new Error(`the PNG ends inside its ${type} chunk`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = body[8]!;
      colorType = body[9]!;
      interlace = body[12]!;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (width < 1 || height < 1 || width * height > 4096 * 4096) throw new Error(`the PNG is ${width}×${height} pixels`);
  if (interlace !== 0) throw new Error('interlaced PNGs are not supported');
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (channels === undefined) throw new Error(`PNG colour type ${colorType} is not supported`);
  if (!(depth === 8 || (depth === 16 && colorType !== 3))) throw new Error(`PNGs of ${depth} bits per sample are not supported (8 or 16)`);
  if (colorType === 3 && !palette) throw new Error('the PNG has a palette colour type but no palette');
  const bpp = channels * (depth / 8);
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(data));
  if (raw.length < height * (stride + 1)) throw new Error('the PNG has fewer pixels than its size says');
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      let v = line[i]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`the PNG has an unknown row filter ${filter}`);
      out[i] = v & 255;
    }
  }
  const rgb = new Float32Array(width * height * 3);
  const sample = (k: number) => (depth === 16 ? px[k * 2]! : px[k]!) / 255;
  for (let p = 0; p < width * height; p++) {
    if (colorType === 3) {
      const idx = px[p]!;
      for (let ch = 0; ch < 3; ch++) rgb[p * 3 + ch] = (palette![idx * 3 + ch] ?? 0) / 255;
    } else if (channels <= 2) {
      const g = sample(p * channels);
      rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = g;
    } else for (let ch = 0; ch < 3; ch++) rgb[p * 3 + ch] = sample(p * channels + ch);
  }
  return { width, height, rgb };
}
