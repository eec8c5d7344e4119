// Bundles the embed: the loader (web/widget/embed.ts → dist/web/embed.js, a classic
// script), one ES module chunk per layout plus the code they share (web/widget/layouts/*
// → dist/web/widget/, content-hashed, loaded by the loader with import() only when a
// widget of that layout is on the page) and the iframe page's script. Writes
// dist/web/widget/manifest.json, prints every size raw and gzipped, and fails when the
// gzipped loader exceeds its budget.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web/widget');
// `--out DIR` builds elsewhere (the bundle test does, leaving dist/ to running servers).
const outArg = process.argv.indexOf('--out');
const distWeb = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist/web');
const outdir = path.join(distWeb, 'widget');
const loaderFile = path.join(distWeb, 'embed.js');
const LOADER_GZIP_BUDGET_BYTES = 10 * 1024;

const common = {
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });

const layoutNames = fs
  .readdirSync(path.join(web, 'layouts'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const chunks = await build({
  ...common,
  entryPoints: layoutNames.map((name) => path.join(web, 'layouts', `${name}.ts`)),
  outdir,
  format: 'esm',
  splitting: true,
  entryNames: '[name]-[hash]',
  chunkNames: 'shared-[hash]',
});

const layouts = {};
const imports = {};
for (const [file, output] of Object.entries(chunks.metafile.outputs)) {
  const name = path.basename(file);
  imports[name] = output.imports
    .filter((i) => i.kind === 'import-statement')
    .map((i) => path.basename(i.path));
  if (output.entryPoint) layouts[path.basename(output.entryPoint, '.ts')] = name;
}

const frame = await build({
  ...common,
  entryPoints: [path.join(web, 'frame.ts')],
  outdir,
  format: 'iife',
  entryNames: '[name]-[hash]',
});
const frameName = path.basename(Object.keys(frame.metafile.outputs)[0]);

await build({
  ...common,
  entryPoints: [path.join(web, 'embed.ts')],
  outfile: loaderFile,
  format: 'iife',
  define: { __SHOWTRUST_LAYOUTS__: JSON.stringify(layouts) },
});

fs.writeFileSync(
  path.join(outdir, 'manifest.json'),
  `${JSON.stringify({ layouts, frame: frameName, imports }, null, 2)}\n`,
);

const gzipped = (file) => gzipSync(fs.readFileSync(file), { level: 9 }).length;
const raw = (file) => fs.statSync(file).size;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
/** A layout costs its entry and every chunk it imports, transitively. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of imports[name] ?? []) closure(dep, seen);
  return seen;
}

const loaderGzip = gzipped(loaderFile);
console.log(
  `widget: loader ${path.relative(root, loaderFile)} ${raw(loaderFile)} B, gzip ${loaderGzip} B ` +
    `(${kb(loaderGzip)} of a ${kb(LOADER_GZIP_BUDGET_BYTES)} budget)`,
);
for (const [kind, name] of Object.entries(layouts)) {
  const files = [...closure(name)].map((f) => path.join(outdir, f));
  const total = files.reduce((sum, f) => sum + gzipped(f), 0);
  console.log(
    `widget: layout ${kind.padEnd(8)} ${name} gzip ${gzipped(path.join(outdir, name))} B, with shared code ${total} B`,
  );
}
console.log(`widget: iframe script ${frameName} gzip ${gzipped(path.join(outdir, frameName))} B`);
if (loaderGzip > LOADER_GZIP_BUDGET_BYTES) {
  console.error(`widget: the gzipped loader is over its budget of ${LOADER_GZIP_BUDGET_BYTES} B`);
  process.exit(1);
}
