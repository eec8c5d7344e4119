import { mountWidget } from './mount.js';
import { watchPlaceholders } from './watch.js';

/*
 * The loader a host page includes with `<script src="…/embed.js" async>`. It never logs,
 * never throws into the page, and sets up once however often it is included.
 */

const GUARD = Symbol.for('showtrust.embed');
type GuardedWindow = Window & { [GUARD]?: { startedBy: string } };

function start(): void {
  const global = window as GuardedWindow;
  if (global[GUARD]) return;

  // Read while this script runs: currentScript is null once it has finished. The feed is
  // resolved against the script's own URL, so a proxy serving both under a path works too.
  const script = document.currentScript;
  const src = script instanceof HTMLScriptElement ? script.src : '';
  if (!src) return;

  global[GUARD] = { startedBy: src };
  watchPlaceholders((placeholder) => mountWidget(placeholder, src));
}

try {
  start();
} catch {
  // A broken host environment must not become a host page error.
}
