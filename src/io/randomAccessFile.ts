import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataError } from '../errors.js';

/**
 * A file opened for positioned reads, shared by the .npy, safetensors and zip
 * readers: opening errors and short reads become one-line DataErrors naming the file,
 * and a read is refused before allocation when it would run past the end of the file.
 */
export class RandomAccessFile {
  readonly size: number;
  private fd: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new DataError(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let st;
    try {
      st = fstatSync(this.fd);
    } catch (e) {
      closeSync(this.fd);
      throw new DataError(`${path}: cannot read (${(e as Error).message})`);
    }
    if (!st.isFile()) {
      closeSync(this.fd);
      throw new DataError(`${path}: is ${st.isDirectory() ? 'a directory' : 'not a regular file'}`);
    }
    this.size = st.size;
  }

  /** `length` bytes from `position`. */
  read(position: number, length: number, what = 'unexpected end of file'): Uint8Array {
    if (position < 0 || length < 0 || position + length > this.size) throw new DataError(`${this.path}: ${what}`);
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) throw new DataError(`${this.path}: unexpected end of file`);
      done += n;
    }
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
