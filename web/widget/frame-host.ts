/*
 * The host side of the iframe embed (C10). Our frame reports its content height; we
 * accept a message only from that frame's own window and from our own origin, read the
 * height only as a bounded number, and write to the frame only with its exact origin as
 * the target, never `*`. Nothing else a message says is ever acted on.
 */

export const FRAME_SELECTOR = 'iframe[data-showtrust-frame]';
export const MAX_FRAME_HEIGHT_PX = 10_000;

const frames = new Set<HTMLIFrameElement>();
let listening = false;

function frameOf(source: MessageEventSource | null): HTMLIFrameElement | undefined {
  for (const frame of frames) {
    if (!frame.isConnected) frames.delete(frame);
    else if (frame.contentWindow === source) return frame;
  }
  return undefined;
}

function onMessage(origin: string) {
  return (event: MessageEvent) => {
    if (event.origin !== origin) return;
    const frame = frameOf(event.source);
    if (!frame) return;
    const data = event.data as { type?: unknown; height?: unknown } | null;
    if (!data || data.type !== 'showtrust:height') return;
    const height = data.height;
    if (typeof height !== 'number' || !Number.isFinite(height)) return;
    if (height < 0 || height > MAX_FRAME_HEIGHT_PX) return;
    frame.height = String(Math.ceil(height));
  };
}

/** Greets the frame so it learns our origin; it answers with its height from then on. */
export function setUpFrame(frame: HTMLIFrameElement, scriptOrigin: string): void {
  let origin: string;
  try {
    origin = new URL(frame.src).origin;
  } catch {
    return;
  }
  // Only our own frames: another site's iframe with our attribute gets no messages from us.
  if (origin !== scriptOrigin) return;
  frames.add(frame);
  if (!listening) {
    listening = true;
    window.addEventListener('message', onMessage(scriptOrigin));
  }
  const hello = () => frame.contentWindow?.postMessage({ type: 'showtrust:hello' }, origin);
  frame.addEventListener('load', hello);
  // Already showing our page (loaded before this script ran)? Its document is then out of
  // our reach; the initial about:blank is not, and must not be greeted with our origin.
  let loaded = false;
  try {
    loaded = frame.contentDocument === null;
  } catch {
    loaded = true;
  }
  if (loaded) hello();
}
