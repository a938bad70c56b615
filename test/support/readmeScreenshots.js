#!/usr/bin/env node
// Retakes the README's images from the screenshots a UI run wrote (`npm test -- ui installed`, in
// .vscode-test/screenshots/ or CW_SCREENSHOTS_DIR): each one cropped to what its caption shows and written to
// media/screenshots/ as a 256-colour PNG (not packaged; cropping and the palette keep the repository lean). The
// pixels are read through a canvas in headless Chromium, the browser the UI suites already use. Usage:
// `node test/support/readmeScreenshots.js`; a missing source screenshot is reported and skipped.
/* global Image, document, btoa -- the crop runs inside the page */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..', '..');
const from = process.env.CW_SCREENSHOTS_DIR || path.join(root, '.vscode-test', 'screenshots');
const to = path.join(root, 'media', 'screenshots');

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(file) {
  const b = fs.readFileSync(file);
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A palette PNG of `rgb` (w x h, 3 bytes a pixel): the colours in order of frequency, each kept when it is not
 * within `near` of one already kept (so a rare but distinct colour, a stream's dot, survives), up to 256; every
 * pixel takes its nearest kept colour. Screenshots of a UI are mostly flat colours, so text stays sharp.
 */
function palettePng(rgb, w, h, near = 18) {
  const count = new Map();
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  const byFreq = [...count.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const split = (k) => [k >> 16, (k >> 8) & 0xff, k & 0xff];
  const dist = (a, b) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
  const palette = [];
  for (const k of byFreq) {
    const c = split(k);
    if (palette.every((p) => dist(p, c) > near * near)) palette.push(c);
    if (palette.length === 256) break;
  }
  const index = new Map();
  for (const k of byFreq) {
    const c = split(k);
    let best = 0;
    for (let j = 1; j < palette.length; j++) if (dist(palette[j], c) < dist(palette[best], c)) best = j;
    index.set(k, best);
  }
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      raw[y * (w + 1) + 1 + x] = index.get((rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The panel around a feed that the first-hour run sized to `feedPx` (maximized panel, right of the side bar). */
const feedPanel = (feedPx) => ({ w, h }) => ({ x: Math.max(0, w - feedPx - 16), y: 34, w: Math.min(w, feedPx + 16), h: h - 34 - 24 });

/** README image <- UI screenshot, and the part of it to keep ({x, y, w, h}, or a function of the image size). */
const IMAGES = [
  ['demo.png', 'installed-01-demo.png', undefined],
  ['streams.png', 'streams-02-demo-live.png', { x: 0, y: 0, w: 700, h: 900 }],
  ['tooltip.png', 'first-hour-02-tooltip-stays.png', { x: 0, y: 30, w: 560, h: 540 }],
  ['tree-held.png', 'first-hour-01-tree-held.png', { x: 0, y: 30, w: 920, h: 470 }],
  ['walkthrough.png', 'streams-00-walkthrough.png', { x: 345, y: 30, w: 1055, h: 540 }],
  ['feed-dark.png', 'first-hour-07-feed-dark-modern-1400.png', feedPanel(1400)],
  ['feed-light.png', 'first-hour-07-feed-light-modern-900.png', feedPanel(900)],
  ['feed-high-contrast.png', 'first-hour-07-feed-dark-high-contrast-600.png', feedPanel(600)],
  ['feed-expanded.png', 'feed-03-expanded.png', { x: 345, y: 30, w: 1055, h: 840 }],
];

async function main() {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CW_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    for (const [name, source, crop] of IMAGES) {
      const file = path.join(from, source);
      if (!fs.existsSync(file)) {
        process.stdout.write(`skipped ${name}: no ${source} in ${from}\n`);
        continue;
      }
      const size = pngSize(file);
      const box = typeof crop === 'function' ? crop(size) : crop ?? { x: 0, y: 0, w: size.w, h: size.h };
      const out = path.join(to, name);
      const pixels = await page.evaluate(async ({ data, box }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = Math.min(box.w, img.width - box.x);
        canvas.height = Math.min(box.h, img.height - box.y);
        const g = canvas.getContext('2d');
        g.drawImage(img, box.x, box.y, canvas.width, canvas.height, 0, 0, canvas.width, canvas.height);
        const rgba = g.getImageData(0, 0, canvas.width, canvas.height).data;
        const rgb = new Uint8Array((rgba.length / 4) * 3);
        for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) rgb.set([rgba[i], rgba[i + 1], rgba[i + 2]], j);
        let bin = '';
        for (let i = 0; i < rgb.length; i += 0x8000) bin += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
        return { w: canvas.width, h: canvas.height, rgb: btoa(bin) };
      }, { data: fs.readFileSync(file).toString('base64'), box });
      fs.writeFileSync(out, palettePng(Buffer.from(pixels.rgb, 'base64'), pixels.w, pixels.h));
      process.stdout.write(`${name} <- ${source} ${JSON.stringify(box)}: ${(fs.statSync(out).size / 1024).toFixed(0)} KB\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
