/*
 * What the loader (embed.js) hands a layout chunk, and what it gets back. Types only: the
 * two are built separately, and nothing of one is bundled into the other.
 */

export interface MountContext {
  /** The placeholder element on the host page. */
  host: Element;
  root: ShadowRoot;
  /** The box holding the reserved space; the layout replaces it with its own root. */
  reserved: HTMLElement;
  /** The feed as fetched, unchecked. */
  json: unknown;
  /** The script's own URL: feed, stream and chunks resolve against it (a proxy path works). */
  base: string;
  /** Adopts these stylesheets into the shadow root, after the loader's own. */
  adopt(css: string[]): void;
  /** Fetches JSON without cookies, with a timeout; rejects on any failure. */
  fetchJson(url: string): Promise<unknown>;
  /** Gives up quietly: no box left, only the placeholder's own fallback content. */
  fail(): void;
  /** Starts over from a fresh feed (the widget's layout or settings changed). */
  remount(): void;
}

/** A rendered widget: its live connection closes while its placeholder is out of the page. */
export interface MountedWidget {
  pause(): void;
  resume(): void;
}

export interface LayoutModule {
  mount(context: MountContext): MountedWidget;
}
