import { DOMParser } from '@xmldom/xmldom';

/** Parse an SVG string as XML (throws on malformed markup). */
export function parseSvg(svg: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level: string, msg: string) => { if (level !== 'warning') errors.push(msg); } }).parseFromString(svg, 'image/svg+xml');
  if (errors.length) throw new Error(`malformed SVG: ${errors[0]}`);
  return doc;
}

type El = { getAttribute(n: string): string | null; getElementsByTagName(n: string): ArrayLike<El>; textContent: string | null; parentNode: El | null };

export function elements(doc: { getElementsByTagName(n: string): ArrayLike<unknown> }, tag: string): El[] {
  return Array.from(doc.getElementsByTagName(tag) as ArrayLike<El>);
}

/** A panel's data ↔ pixel mapping, read from its data- attributes. */
export function panelMapping(panel: El) {
  const nums = (k: string) => panel.getAttribute(k)!.split(',').map(Number) as [number, number];
  const [x0, x1] = nums('data-x-domain');
  const [px0, px1] = nums('data-x-range');
  const [y0, y1] = nums('data-y-domain');
  const [py0, py1] = nums('data-y-range');
  return {
    toDataX: (px: number) => x0 + ((px - px0) / (px1 - px0)) * (x1 - x0),
    toDataY: (py: number) => y0 + ((py - py0) / (py1 - py0)) * (y1 - y0),
    toPxX: (x: number) => px0 + ((x - x0) / (x1 - x0)) * (px1 - px0),
  };
}

/** The polylines of a path "M…L…M…" as arrays of [x, y] pixel points. */
export function pathPieces(d: string): [number, number][][] {
  const pieces: [number, number][][] = [];
  const re = /([ML])\s*(-?[\d.]+(?:e-?\d+)?)[,\s]\s*(-?[\d.]+(?:e-?\d+)?)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(d))) {
    if (m[1] === 'M') pieces.push([]);
    pieces[pieces.length - 1]!.push([Number(m[2]), Number(m[3])]);
  }
  return pieces;
}

/** The y (data) of a path at data x, by linear interpolation on the piece that spans x. */
export function pathYAt(d: string, map: ReturnType<typeof panelMapping>, x: number): number | null {
  const px = map.toPxX(x);
  for (const piece of pathPieces(d)) {
    for (let i = 1; i < piece.length; i++) {
      const [ax, ay] = piece[i - 1]!;
      const [bx, by] = piece[i]!;
      if (px >= ax && px <= bx) {
        const t = bx === ax ? 0 : (px - ax) / (bx - ax);
        return map.toDataY(ay + t * (by - ay));
      }
    }
  }
  return null;
}
