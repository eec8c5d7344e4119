import type { PublicTestimonial, WidgetLanguage } from '../../../src/widgets/schema.js';
import { directionOf, LABELS, resolveLanguage } from '../../../src/widgets/view/labels.js';
import type { VNode } from '../../../src/widgets/view/node.js';
import { COMMON_CSS } from '../../../src/widgets/view/styles.js';
import {
  INITIAL_STATE,
  themeProperties,
  type ViewState,
  type WidgetView,
} from '../../../src/widgets/view/view-model.js';
import type { MountContext, MountedWidget } from '../contract.js';
import { create, patch } from './dom.js';
import { showJsonLd } from './json-ld.js';
import { openStream, type LiveStream, type StreamEvent } from './live.js';
import { readFeed, readSummary, readTestimonials, type Feed } from './read-feed.js';

/** What a layout adds to the common widget: its styles, its view and its behaviour. */
export interface LayoutSpec {
  css: string[];
  render: (view: WidgetView) => VNode;
  /** Whether an empty feed still shows something (the badge's "no reviews yet"). */
  showsEmpty?: boolean;
  /** State known before the first paint, so the first render is already the right one. */
  initialState?: (feed: Feed) => Partial<ViewState>;
  behave?: (widget: LiveWidget) => Behaviour;
}

export interface Behaviour {
  /** A `data-st` button other than "read more" was pressed. */
  action?(name: string): void;
  /** Runs after every render, with the DOM up to date. */
  rendered?(): void;
  pause?(): void;
  resume?(): void;
}

export interface NextPage {
  /** The cursor it was fetched with: only appended while that is still the next page. */
  after: string;
  items: PublicTestimonial[];
  nextCursor: string | null;
}

interface ChangeData {
  version?: unknown;
  summary?: unknown;
  removed?: unknown;
  upserted?: unknown;
  json_ld?: unknown;
}

/**
 * One rendered widget in a visitor's browser: its feed, what the visitor did (state),
 * and the DOM, re-rendered from those two after every change, live updates included.
 */
export class LiveWidget {
  element: HTMLElement;
  state: ViewState = INITIAL_STATE;
  private behaviour: Behaviour = {};
  private stream: LiveStream | undefined;
  private readonly ownOrigin: string;
  private readonly language: WidgetLanguage;
  /** Null leaves the direction to the host page (a language we have no labels for). */
  private readonly direction: 'ltr' | 'rtl' | null;

  constructor(
    readonly context: MountContext,
    public feed: Feed,
    private readonly spec: LayoutSpec,
  ) {
    this.ownOrigin = new URL(context.base).origin;
    const hostLang = context.host.closest('[lang]')?.getAttribute('lang') ?? undefined;
    this.language = resolveLanguage(feed.display.language, hostLang);
    // An explicit or recognised language sets the direction; otherwise the page's applies.
    const recognised = feed.display.language !== 'auto' || this.language !== 'en';
    this.direction = recognised ? directionOf(this.language) : null;
    this.state = {
      ...INITIAL_STATE,
      hasMore: feed.nextCursor !== null,
      ...spec.initialState?.(feed),
    };
    this.element = create(spec.render(this.view())) as HTMLElement;
    for (const [name, value] of themeProperties(feed.display)) {
      this.element.style.setProperty(name, value);
    }
  }

  start(): void {
    this.context.reserved.replaceWith(this.element);
    this.element.addEventListener('click', (event) => this.onClick(event));
    // A dialog closed by Escape or its button: forget it, so the next render drops it.
    this.element.addEventListener('close', () => this.setState({ reading: null }), true);
    this.behaviour = this.spec.behave?.(this) ?? {};
    this.behaviour.rendered?.();
    showJsonLd(this.context.host, this.feed.jsonLd);
    if (this.feed.display.live) this.connect();
  }

  view(): WidgetView {
    const { feed } = this;
    return {
      widgetId: feed.id,
      kind: feed.kind,
      display: feed.display,
      language: this.language,
      direction: this.direction,
      labels: LABELS[this.language],
      mode: 'live',
      ownOrigin: this.ownOrigin,
      wallUrl: new URL(`w/${encodeURIComponent(feed.slug)}`, this.context.base).href,
      poweredBy: feed.poweredBy,
      summary: feed.summary,
      items: feed.testimonials,
      moreUrl: '',
      state: this.state,
    };
  }

  setState(changes: Partial<ViewState>): void {
    this.state = { ...this.state, ...changes };
    this.render();
  }

  render(): void {
    this.element = patch(this.element, this.spec.render(this.view())) as HTMLElement;
    const dialog = this.element.querySelector<HTMLDialogElement>('[data-st=dialog]');
    if (dialog && !dialog.open) dialog.showModal();
    this.behaviour.rendered?.();
  }

  /** The page after what is shown (not yet shown), or null when there is none or it failed. */
  async fetchNextPage(): Promise<NextPage | null> {
    const cursor = this.feed.nextCursor;
    if (!cursor) return null;
    const url = new URL(`public/v1/widgets/${this.feed.id}`, this.context.base);
    url.searchParams.set('cursor', cursor);
    const next = readFeed(await this.context.fetchJson(url.href).catch(() => null), this.ownOrigin);
    return next && { after: cursor, items: next.testimonials, nextCursor: next.nextCursor };
  }

  /** Shows a fetched page, if it still follows what is shown. */
  appendPage(page: NextPage): void {
    if (page.after !== this.feed.nextCursor) return;
    const known = new Set(this.feed.testimonials.map((item) => item.id));
    const fresh = page.items.filter((item) => !known.has(item.id));
    this.feed = {
      ...this.feed,
      testimonials: [...this.feed.testimonials, ...fresh],
      nextCursor: page.nextCursor,
    };
  }

  pause(): void {
    this.stream?.pause();
    this.behaviour.pause?.();
  }

  resume(): void {
    this.stream?.resume();
    this.behaviour.resume?.();
  }

  private onClick(event: Event): void {
    const button = (event.target as Element | null)?.closest?.('[data-st]');
    if (!button || !this.element.contains(button)) return;
    const name = button.getAttribute('data-st') ?? '';
    if (name === 'read') this.setState({ reading: button.getAttribute('data-id') });
    else if (name === 'close-dialog') button.closest('dialog')?.close();
    else this.behaviour.action?.(name);
  }

  private connect(): void {
    const url = new URL(`public/v1/widgets/${this.feed.id}/stream`, this.context.base).href;
    this.stream = openStream(
      url,
      () => this.feed.version,
      (type, data) => this.onEvent(type, data),
    );
  }

  private onEvent(type: StreamEvent, data: unknown): void {
    if (type === 'gone') {
      showJsonLd(this.context.host, null);
      this.context.fail();
      return;
    }
    if (type === 'reload') {
      this.behaviour.pause?.();
      this.context.remount();
      return;
    }
    if (type === 'reset') {
      const next = readFeed(data, this.ownOrigin);
      if (!next) return;
      this.feed = next;
      showJsonLd(this.context.host, next.jsonLd);
    } else {
      this.applyChange(data as ChangeData);
    }
    const shown = this.state.index < this.feed.testimonials.length ? this.state.index : 0;
    this.setState({ hasMore: this.feed.nextCursor !== null, index: shown });
  }

  /** Removals leave, edits replace, new items land at their index if it is within what is shown. */
  private applyChange(data: ChangeData): void {
    const removed = new Set(Array.isArray(data.removed) ? data.removed.map(String) : []);
    const items = this.feed.testimonials.filter((item) => !removed.has(item.id));
    const upserted = Array.isArray(data.upserted) ? data.upserted : [];
    for (const entry of upserted as { index?: unknown; item?: unknown }[]) {
      const [item] = readTestimonials([entry.item], this.ownOrigin);
      const index = typeof entry.index === 'number' ? entry.index : -1;
      if (!item || index < 0) continue;
      const at = items.findIndex((known) => known.id === item.id);
      if (at >= 0) items[at] = item;
      else if (index <= items.length) items.splice(index, 0, item);
    }
    const last = items[items.length - 1];
    const nextCursor = this.feed.nextCursor && last ? `${items.length}.${last.id}` : null;
    const jsonLd = data.json_ld && typeof data.json_ld === 'object' ? data.json_ld : null;
    this.feed = {
      ...this.feed,
      version: typeof data.version === 'number' ? data.version : this.feed.version,
      summary: readSummary(data.summary),
      testimonials: items,
      nextCursor,
      jsonLd: jsonLd as Record<string, unknown> | null,
    };
    showJsonLd(this.context.host, this.feed.jsonLd);
  }
}

const NOTHING: MountedWidget = { pause() {}, resume() {} };

/** What every layout chunk exports as `mount`: checks the feed, then draws and runs the widget. */
export function mountLayout(context: MountContext, spec: LayoutSpec): MountedWidget {
  const feed = readFeed(context.json, new URL(context.base).origin);
  if (!feed || (feed.testimonials.length === 0 && !spec.showsEmpty)) {
    context.fail();
    return NOTHING;
  }
  context.adopt([COMMON_CSS, ...spec.css]);
  const widget = new LiveWidget(context, feed, spec);
  widget.start();
  return widget;
}
