import type { Child, VNode } from '../../../src/widgets/view/node.js';

/*
 * View trees become DOM through createElement, setAttribute and text nodes only:
 * customer text never passes through an HTML parser, so it can never become markup
 * (C09). Re-rendering patches the existing nodes in place, matched by `data-id` where a
 * tree has one, so focus, a running animation and an open dialog survive live updates.
 */

/** Attributes the browser or our code owns on a live node; a patch leaves them alone. */
const UNMANAGED = new Set(['style', 'open']);

export function create(node: Child): Node {
  if (typeof node === 'string') return document.createTextNode(node);
  const element = document.createElement(node.tag);
  for (const name in node.attrs) element.setAttribute(name, node.attrs[name]!);
  for (const child of node.children) element.appendChild(create(child));
  return element;
}

function keyOf(node: Child | Node): string | null {
  if (typeof node === 'string') return null;
  if (node instanceof Element) return node.getAttribute('data-id');
  if ('attrs' in node) return node.attrs['data-id'] ?? null;
  return null;
}

function sameKind(existing: Node, node: Child): boolean {
  if (typeof node === 'string') return existing.nodeType === Node.TEXT_NODE;
  return (
    existing instanceof Element &&
    existing.localName === node.tag &&
    keyOf(existing) === keyOf(node)
  );
}

function patchAttributes(element: Element, node: VNode): void {
  for (const { name } of Array.from(element.attributes)) {
    if (!(name in node.attrs) && !UNMANAGED.has(name)) element.removeAttribute(name);
  }
  for (const name in node.attrs) {
    const value = node.attrs[name]!;
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }
}

/** Makes `existing` look like `node`, reusing it when it is the same kind; returns the node in place. */
export function patch(existing: Node, node: Child): Node {
  if (!sameKind(existing, node)) {
    const fresh = create(node);
    existing.parentNode?.replaceChild(fresh, existing);
    return fresh;
  }
  if (typeof node === 'string') {
    if (existing.nodeValue !== node) existing.nodeValue = node;
    return existing;
  }
  patchAttributes(existing as Element, node);
  patchChildren(existing as Element, node.children);
  return existing;
}

function patchChildren(parent: Element, children: Child[]): void {
  const keyed = new Map<string, Node>();
  for (const child of Array.from(parent.childNodes)) {
    const key = keyOf(child);
    if (key !== null) keyed.set(key, child);
  }
  let cursor: Node | null = parent.firstChild;
  for (const child of children) {
    const key = keyOf(child);
    let existing: Node | null = key !== null ? (keyed.get(key) ?? null) : cursor;
    if (key === null && existing && keyOf(existing) !== null) existing = null;
    if (existing) {
      if (existing !== cursor) parent.insertBefore(existing, cursor);
      const placed = patch(existing, child);
      cursor = placed.nextSibling;
    } else {
      parent.insertBefore(create(child), cursor);
    }
    if (key !== null) keyed.delete(key);
  }
  while (cursor) {
    const next: Node | null = cursor.nextSibling;
    parent.removeChild(cursor);
    cursor = next;
  }
  for (const leftover of keyed.values()) leftover.parentNode?.removeChild(leftover);
}
