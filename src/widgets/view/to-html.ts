import type { Child } from './node.js';

const VOID_ELEMENTS = new Set(['img', 'br', 'hr', 'link', 'meta', 'input']);
const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;

/** Escapes text and attribute values alike: `&`, `<`, `>`, both quotes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serializes a view tree. Every string is escaped, so customer text stays text (C09);
 * attribute names come from our own code, and one that is not a plain name is refused
 * rather than written.
 */
export function toHtml(node: Child): string {
  if (typeof node === 'string') return escapeHtml(node);
  let out = `<${node.tag}`;
  for (const [name, value] of Object.entries(node.attrs)) {
    if (!ATTRIBUTE_NAME.test(name)) throw new Error(`unsafe attribute name ${name}`);
    out += value === '' ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  }
  out += '>';
  if (VOID_ELEMENTS.has(node.tag)) return out;
  for (const child of node.children) out += toHtml(child);
  return `${out}</${node.tag}>`;
}
