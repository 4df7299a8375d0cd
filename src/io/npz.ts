import { DataError } from '../errors.js';
import type { NpyData, NpyDtype } from './npyDtype.js';
import { writeFileAtomic } from './atomicFile.js';
import { parseNpy, type NpyArray } from './readNpy.js';
import { serializeNpy } from './writeNpy.js';
import { buildZip, ZipReader } from './zip.js';

/** numpy's .npz: a zip of .npy members, each named <key>.npy. */
export function readNpz(path: string): { key: string; array: NpyArray }[] {
  const z = new ZipReader(path);
  try {
    return z.entries
      .filter((e) => !e.name.endsWith('/'))
      .map((e) => {
        if (!e.name.endsWith('.npy')) throw new DataError(`${path}: member '${e.name}' is not a .npy file`);
        return { key: e.name.slice(0, -4), array: parseNpy(z.readEntry(e), `${path}:${e.name}`) };
      });
  } finally {
    z.close();
  }
}

/** List the keys and member sizes of an .npz without reading the data. */
export function listNpz(path: string): { key: string; size: number }[] {
  const z = new ZipReader(path);
  try {
    return z.entries.filter((e) => e.name.endsWith('.npy')).map((e) => ({ key: e.name.slice(0, -4), size: e.size }));
  } finally {
    z.close();
  }
}

/** Write an .npz (np.savez layout; `compress` = np.savez_compressed), atomically. */
export function writeNpz(path: string, arrays: { key: string; data: NpyData; shape: number[]; dtype?: NpyDtype }[], compress = false): void {
  const seen = new Set<string>();
  const members = arrays.map((a) => {
    if (seen.has(a.key)) throw new DataError(`duplicate .npz key '${a.key}'`);
    seen.add(a.key);
    const parts = serializeNpy(a.data, a.shape, a.dtype);
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      data.set(p, off);
      off += p.length;
    }
    return { name: `${a.key}.npy`, data };
  });
  writeFileAtomic(path, buildZip(members, compress));
}
