/** The events a widget stream sends (see src/widgets/stream-routes.ts). */
export type StreamEvent = 'change' | 'reset' | 'reload' | 'gone';
const EVENTS: StreamEvent[] = ['change', 'reset', 'reload', 'gone'];

/** After the browser gives up (an error answer), wait this long, doubling up to the cap. */
const FIRST_RETRY_MS = 15_000;
const MAX_RETRY_MS = 10 * 60_000;

export interface LiveStream {
  pause(): void;
  resume(): void;
}

/**
 * A widget's server-sent event stream. The browser reconnects by itself after a dropped
 * connection, sending `Last-Event-ID`, so the server answers with exactly what was
 * missed; after a refusal (which closes an EventSource for good) we retry slowly, from
 * the version the widget shows. Closed whenever the widget leaves the page (C23) and
 * while the page is hidden.
 */
export function openStream(
  url: string,
  version: () => number,
  handle: (event: StreamEvent, data: unknown) => void,
): LiveStream {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = FIRST_RETRY_MS;

  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
    source?.close();
    source = null;
  };
  const connect = () => {
    stop();
    const current = new EventSource(`${url}?since=${version()}`);
    source = current;
    for (const type of EVENTS) {
      current.addEventListener(type, (event) => {
        retryMs = FIRST_RETRY_MS;
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        if (type === 'gone' || type === 'reload') stop();
        handle(type, data);
      });
    }
    current.onerror = () => {
      if (current.readyState !== EventSource.CLOSED) return;
      stop();
      timer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
  };

  // Browsers keep six HTTP/1.1 connections per origin across all tabs and each open
  // stream holds one, so a tab in the background lets its stream go and catches up from
  // its version when shown again: tabs left open never starve the others.
  let attached = true;
  const follow = () => {
    if (attached && !document.hidden) {
      if (!source && !timer) connect();
    } else {
      stop();
    }
  };
  document.addEventListener('visibilitychange', follow);
  follow();
  return {
    pause: () => {
      attached = false;
      follow();
    },
    resume: () => {
      attached = true;
      follow();
    },
  };
}
