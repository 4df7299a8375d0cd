import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { DataError } from '../errors.js';
import { RandomAccessFile } from './randomAccessFile.js';

/*
 * A small ZIP reader/writer on node:zlib (APPNOTE 6.3.x): enough for numpy's
 * .npz (stored or deflated members; numpy writes ZIP64 extra fields with
 * force_zip64, so those are read too). Sizes come from the central directory and
 * are checked against the file before anything is read; inflation is capped at the
 * declared size; every member's CRC-32 is verified.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

export class ZipReader {
  readonly entries: ZipEntry[] = [];
  private file: RandomAccessFile;
  private fileBytes: number;
  constructor(readonly path: string) {
    this.file = new RandomAccessFile(path);
    this.fileBytes = this.file.size;
    try {
      this.readDirectory();
    } catch (e) {
      this.file.close();
      throw e;
    }
  }

  private read(pos: number, len: number): DataView {
    return new DataView(this.file.read(pos, len, 'zip structure points past the end of the file').buffer);
  }

  private readDirectory(): void {
    const tailLen = Math.min(this.fileBytes, 65535 + 22);
    const tail = this.read(this.fileBytes - tailLen, tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.getUint32(i, true) === SIG_EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new DataError(`${this.path}: not a zip/.npz file (no end-of-central-directory record)`);
    let count = tail.getUint16(eocd + 10, true);
    let cdSize = tail.getUint32(eocd + 12, true);
    let cdOffset = tail.getUint32(eocd + 16, true);
    const eocdAbs = this.fileBytes - tailLen + eocd;
    if (eocdAbs >= 20) {
      const loc = this.read(eocdAbs - 20, 20);
      if (loc.getUint32(0, true) === SIG_ZIP64_LOCATOR) {
        const z64 = Number(loc.getBigUint64(8, true));
        const rec = this.read(z64, 56);
        if (rec.getUint32(0, true) !== SIG_ZIP64_EOCD) throw new DataError(`${this.path}: bad ZIP64 end-of-central-directory record`);
        count = Number(rec.getBigUint64(32, true));
        cdSize = Number(rec.getBigUint64(40, true));
        cdOffset = Number(rec.getBigUint64(48, true));
      }
    }
    if (count > 1_000_000) throw new DataError(`${this.path}: ${count} zip entries is implausible`);
    const cd = this.read(cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cdSize || cd.getUint32(p, true) !== SIG_CENTRAL) throw new DataError(`${this.path}: corrupt central directory (entry ${i})`);
      const method = cd.getUint16(p + 10, true);
      const crc = cd.getUint32(p + 16, true);
      let compressedSize = cd.getUint32(p + 20, true);
      let size = cd.getUint32(p + 24, true);
      const nameLen = cd.getUint16(p + 28, true);
      const extraLen = cd.getUint16(p + 30, true);
      const commentLen = cd.getUint16(p + 32, true);
      let localHeaderOffset = cd.getUint32(p + 42, true);
      if (p + 46 + nameLen + extraLen + commentLen > cdSize) throw new DataError(`${this.path}: corrupt central directory (entry ${i})`);
      const name = new TextDecoder().decode(new Uint8Array(cd.buffer, p + 46, nameLen));
      // ZIP64 extended information: the 0xFFFFFFFF fields, in order size, compressed size, offset.
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      while (e + 4 <= eEnd) {
        const id = cd.getUint16(e, true);
        const len = cd.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          if (size === 0xffffffff) (size = Number(cd.getBigUint64(q, true))), (q += 8);
          if (compressedSize === 0xffffffff) (compressedSize = Number(cd.getBigUint64(q, true))), (q += 8);
          if (localHeaderOffset === 0xffffffff) (localHeaderOffset = Number(cd.getBigUint64(q, true))), (q += 8);
        }
        e += 4 + len;
      }
      this.entries.push({ name, method, compressedSize, size, crc, localHeaderOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  /** The uncompressed bytes of a member (whole), CRC-checked. */
  readEntry(entry: ZipEntry): Uint8Array {
    const lh = this.read(entry.localHeaderOffset, 30);
    if (lh.getUint32(0, true) !== SIG_LOCAL) throw new DataError(`${this.path}: bad local header for '${entry.name}'`);
    const dataStart = entry.localHeaderOffset + 30 + lh.getUint16(26, true) + lh.getUint16(28, true);
    if (dataStart + entry.compressedSize > this.fileBytes) throw new DataError(`${this.path}: member '${entry.name}' runs past the end of the file`);
    const raw = new Uint8Array(this.read(dataStart, entry.compressedSize).buffer);
    let data: Uint8Array;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) {
      try {
        data = new Uint8Array(inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) }));
      } catch (e) {
        throw new DataError(`${this.path}: member '${entry.name}' does not inflate (${(e as Error).message})`);
      }
    } else throw new DataError(`${this.path}: member '${entry.name}' uses unsupported compression method ${entry.method}`);
    if (data.length !== entry.size) throw new DataError(`${this.path}: member '${entry.name}' is ${data.length} bytes, the directory says ${entry.size}`);
    if ((crc32(data) >>> 0) !== entry.crc >>> 0) throw new DataError(`${this.path}: CRC mismatch in member '${entry.name}'`);
    return data;
  }

  close(): void {
    this.file.close();
  }
}

/** Serialize members as a zip (no ZIP64: each member and the archive below 4 GiB). */
export function buildZip(members: { name: string; data: Uint8Array }[], compress: boolean): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const crc = crc32(m.data) >>> 0;
    const body = compress ? new Uint8Array(deflateRawSync(m.data)) : m.data;
    if (m.data.length >= 0xffffffff || offset >= 0xffffffff) throw new DataError(`zip member '${m.name}' is too large for a non-ZIP64 archive`);
    const method = compress ? 8 : 0;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, SIG_LOCAL, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, method, true);
    local.setUint16(12, 0x21, true); // DOS date 1980-01-01: deterministic output
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, m.data.length, true);
    local.setUint16(26, name.length, true);
    parts.push(new Uint8Array(local.buffer), name, body);
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, SIG_CENTRAL, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(10, method, true);
    c.setUint16(14, 0x21, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, body.length, true);
    c.setUint32(24, m.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.push(new Uint8Array(c.buffer), name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((a, b) => a + b.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, SIG_EOCD, true);
  end.setUint16(8, members.length, true);
  end.setUint16(10, members.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  return [...parts, ...central, new Uint8Array(end.buffer)];
}
