import type { Behaviour, LiveWidget, NextPage } from './widget.js';

/** Ids of the cards not wholly inside the clipped area (a px of rounding allowed). */
function measureClipped(root: HTMLElement): Set<string> {
  const clip = root.querySelector('.st-clip');
  const clipped = new Set<string>();
  if (!clip) return clipped;
  const bottom = clip.getBoundingClientRect().bottom + 1;
  clip.querySelectorAll('.st-card').forEach((card) => {
    if (card.getBoundingClientRect().bottom > bottom)
      clipped.add(card.getAttribute('data-id') ?? '');
  });
  return clipped;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((id) => b.has(id));
}

/**
 * Grid, masonry and list keep the reserved height: cards that do not fit are faded out
 * and made inert (nothing in them can be focused or read) until "show more" opens the
 * list, which the visitor's click does at once (user-initiated, so no layout shift is
 * counted). "Load more" then appends the next page, fetched ahead so the click can
 * append without waiting.
 */
export function wall(widget: LiveWidget): Behaviour {
  let prefetched: Promise<NextPage | null> | undefined;
  let prefetchedFor: string | null = null;

  const prefetch = () => {
    const cursor = widget.feed.nextCursor;
    if (!cursor || prefetchedFor === cursor) return;
    prefetchedFor = cursor;
    prefetched = widget.fetchNextPage().then((page) => {
      if (!page) prefetchedFor = null; // failed: the next click tries again
      return page;
    });
  };
  const measure = () => {
    if (widget.state.open) return;
    const clipped = measureClipped(widget.element);
    if (!sameSet(clipped, widget.state.clippedIds)) widget.setState({ clippedIds: clipped });
  };
  const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
  resized?.observe(widget.element);

  return {
    rendered() {
      measure();
      const { open, clippedIds, hasMore } = widget.state;
      if (hasMore && (open || clippedIds.size === 0)) prefetch();
    },
    action(name) {
      if (name !== 'more') return;
      if (!widget.state.open && widget.state.clippedIds.size > 0) {
        widget.setState({ open: true });
        return;
      }
      prefetch();
      void prefetched?.then((page) => {
        if (page) widget.appendPage(page);
        widget.setState({ open: true, hasMore: widget.feed.nextCursor !== null });
      });
    },
    pause: () => resized?.disconnect(),
    resume: () => resized?.observe(widget.element),
  };
}
