import type { MountedWidget } from './contract.js';
import { FRAME_SELECTOR, setUpFrame } from './frame-host.js';
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

  const widgets = new WeakMap<Element, MountedWidget>();
  // Placeholders with a live connection; a removed one is paused until it comes back.
  const live = new Set<Element>();
  const sweep = () => {
    for (const element of live) {
      if (element.isConnected) continue;
      live.delete(element);
      widgets.get(element)?.pause();
    }
  };
  watchPlaceholders({
    found(element) {
      if (element.matches(FRAME_SELECTOR)) {
        setUpFrame(element as HTMLIFrameElement, new URL(src).origin);
        return;
      }
      mountWidget(element, src, (widget) => {
        widgets.set(element, widget);
        live.add(element);
        if (!element.isConnected) sweep();
      });
    },
    back(element) {
      const widget = widgets.get(element);
      if (!widget || live.has(element)) return;
      live.add(element);
      widget.resume();
    },
    removed: sweep,
  });
}

try {
  start();
} catch {
  // A broken host environment must not become a host page error.
}
