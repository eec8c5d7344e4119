/*
 * The widget's markup as plain data, built once by the layouts and turned into DOM nodes
 * in the browser (web/widget/runtime/dom.ts) or into HTML on the server (to-html.ts).
 * Attribute names are always constants of our own code; customer text only ever arrives
 * as a string child or an attribute value, so neither renderer can run it.
 */

export interface VNode {
  tag: string;
  attrs: Record<string, string>;
  children: Child[];
}
export type Child = VNode | string;

type AttrValue = string | number | boolean | null | undefined;
export type ChildInput = Child | null | undefined | false | ChildInput[];

function flatten(input: ChildInput[], out: Child[]): Child[] {
  for (const child of input) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) flatten(child, out);
    else out.push(child);
  }
  return out;
}

/** `true` makes an empty (boolean) attribute; `false`, null and undefined leave it out. */
export function h(tag: string, attrs: Record<string, AttrValue> = {}, ...children: ChildInput[]) {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    kept[name] = value === true ? '' : String(value);
  }
  return { tag, attrs: kept, children: flatten(children, []) } satisfies VNode;
}
