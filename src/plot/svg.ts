/*
 * Minimal, deterministic SVG assembly: every number is rounded to two decimals
 * (sub-pixel precision at 100 % zoom, stable bytes for golden files), every
 * text is escaped, attributes keep their insertion order.
 */

export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type Attrs = Record<string, string | number | undefined | null>;

export function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(v as string)}"`)
    .join('');
}

export function el(tag: string, a: Attrs, children: string | string[] = ''): string {
  const body = Array.isArray(children) ? children.join('') : children;
  return body === '' ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${body}</${tag}>`;
}

export function text(s: string, a: Attrs): string {
  return `<text${attrs(a)}>${esc(s)}</text>`;
}

/** Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), black last. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
