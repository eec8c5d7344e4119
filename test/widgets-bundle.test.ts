import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_KINDS } from '../src/widgets/schema.js';
import type { WidgetManifest } from '../src/widgets/widget-assets.js';

/*
 * The embed's byte budget, checked on a fresh build into a temporary folder: the loader
 * stays under 10 KB gzipped, and a layout's code and styles ship only in its own chunks.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOADER_BUDGET_BYTES = 10 * 1024;

/** Strings only one layout's code contains. */
const MARKERS: Record<string, string[]> = {
  slider: ['aria-roledescription', '.st-slides{'],
  popup: ['.st-popup{'],
  badge: ['.st-badge{'],
  single: ['.st-one{'],
  masonry: ['.st-masonry{'],
};

describe('widget bundle', () => {
  let out: string;
  let stdout: string;
  let manifest: WidgetManifest & { imports: Record<string, string[]> };
  const read = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');
  const gzipped = (file: string) =>
    gzipSync(fs.readFileSync(path.join(out, file)), { level: 9 }).length;
  /** A layout's entry chunk and everything it imports. */
  const closure = (file: string, seen = new Set<string>()): Set<string> => {
    seen.add(file);
    for (const dep of manifest.imports[file] ?? []) closure(dep, seen);
    return seen;
  };
  const layoutCode = (kind: string) =>
    [...closure(manifest.layouts[kind]!)].map((f) => read(path.join('widget', f))).join('\n');

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-bundle-'));
    stdout = execFileSync(process.execPath, ['scripts/build-widget.mjs', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    manifest = JSON.parse(read('widget/manifest.json'));
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('prints every size, and the loader stays within its gzip budget', () => {
    const loader = gzipped('embed.js');
    expect(loader).toBeLessThanOrEqual(LOADER_BUDGET_BYTES);
    expect(stdout).toContain(
      `gzip ${loader} B (${(loader / 1024).toFixed(1)} KB of a 10.0 KB budget)`,
    );
    for (const kind of WIDGET_KINDS) {
      expect(stdout).toMatch(
        new RegExp(
          `widget: layout ${kind} +${manifest.layouts[kind]} gzip \\d+ B, with shared code \\d+ B`,
        ),
      );
    }
    expect(stdout).toMatch(/widget: iframe script frame-[A-Z0-9]+\.js gzip \d+ B/);
  });

  it('keeps every layout out of the loader, which only knows their file names', () => {
    const loader = read('embed.js');
    for (const markers of Object.values(MARKERS)) {
      for (const marker of markers)
        expect([marker, loader.includes(marker)]).toEqual([marker, false]);
    }
    expect(loader).not.toContain('Kundenstimmen');
    for (const kind of WIDGET_KINDS) expect(loader).toContain(manifest.layouts[kind]);
  });

  it.each(WIDGET_KINDS)('ships %s with its own code and none of another layout', (kind) => {
    const code = layoutCode(kind);
    for (const [owner, markers] of Object.entries(MARKERS)) {
      const expected = owner === kind;
      for (const marker of markers) {
        expect([owner, marker, code.includes(marker)]).toEqual([owner, marker, expected]);
      }
    }
  });

  it('never posts a message to any origin ("*"), in the loader or the iframe script (C10)', () => {
    for (const file of ['embed.js', path.join('widget', manifest.frame)]) {
      const code = read(file);
      expect(code).toContain('postMessage(');
      expect(code).not.toMatch(/postMessage\([^)]*["'`]\*["'`]\)/);
    }
  });

  it('uses no eval, no Function constructor and no HTML parsing of data', () => {
    const all = [read('embed.js'), read(path.join('widget', manifest.frame))]
      .concat(WIDGET_KINDS.map(layoutCode))
      .join('\n');
    for (const unsafe of [
      'eval(',
      'new Function',
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
    ]) {
      expect([unsafe, all.includes(unsafe)]).toEqual([unsafe, false]);
    }
  });
});
