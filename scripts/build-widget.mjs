// Bundles the embed script (web/widget/embed.ts) into dist/web/embed.js and prints its
// size raw and gzipped. `npm run build` runs it after tsc; the server reads the output
// once at start-up. Fails when the gzipped bundle exceeds its budget.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'web/widget/embed.ts');
const outfile = path.join(root, 'dist/web/embed.js');
const GZIP_BUDGET_BYTES = 10 * 1024;

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
});

const bytes = fs.readFileSync(outfile);
const gzipped = gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `widget: ${path.relative(root, outfile)} ${bytes.length} B (${kb(bytes.length)}), ` +
    `gzip ${gzipped} B (${kb(gzipped)}) of a ${kb(GZIP_BUDGET_BYTES)} budget`,
);
if (gzipped > GZIP_BUDGET_BYTES) {
  console.error(`widget: gzipped bundle is over its budget of ${GZIP_BUDGET_BYTES} B`);
  process.exit(1);
}
