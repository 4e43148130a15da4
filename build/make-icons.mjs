// Writes build/icon.png and build/netwright-file.png (512×512): three nodes joined by edges, the app's mark.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
function png(size, paint) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = paint(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const S = 512;
const nodes = [[150, 170], [150, 342], [362, 256]];
const segDist = (px, py, [ax, ay], [bx, by]) => { const dx = bx - ax, dy = by - ay; const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))); return Math.hypot(px - ax - t * dx, py - ay - t * dy); };
function mark(bg, fg, edge) {
  return (x, y) => {
    const r = 96, cx = S / 2, cy = S / 2;
    const inside = Math.max(Math.abs(x - cx) - (S / 2 - 24 - r), 0) ** 2 + Math.max(Math.abs(y - cy) - (S / 2 - 24 - r), 0) ** 2 <= r * r;
    if (!inside) return [0, 0, 0, 0];
    if (nodes.some(([nx, ny]) => Math.hypot(x - nx, y - ny) < 44)) return [...fg, 255];
    if (segDist(x, y, nodes[0], nodes[2]) < 12 || segDist(x, y, nodes[1], nodes[2]) < 12) return [...edge, 255];
    return [...bg, 255];
  };
}
writeFileSync('build/icon.png', png(S, mark([20, 22, 26], [245, 245, 245], [240, 128, 48])));
writeFileSync('build/netwright-file.png', png(S, mark([245, 245, 245], [20, 22, 26], [48, 128, 240])));
