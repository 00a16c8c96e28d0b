// NumPy .npy files, format version 1.0: magic "\x93NUMPY", version 1 0, uint16 header length,
// an ASCII dict header padded with spaces to a 64-byte boundary and ending in '\n', then the
// little-endian C-order data. Only float32 ('<f4') and int32 ('<i4') are supported.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';

export type NpyArray = { dtype: 'float32'; shape: number[]; data: Float32Array } | { dtype: 'int32'; shape: number[]; data: Int32Array };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y

export function encodeNpy(data: Float32Array | Int32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeNpy: shape [${shape}] holds ${count} values, data has ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total); // hosts are little-endian (x86, ARM)
  return out;
}

export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${name}: not a .npy file`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = Buffer.from(bytes.subarray(major === 1 ? 10 : 12, start)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`${name}: malformed .npy header`);
  if (fortran === 'True') throw new Error(`${name}: Fortran-order .npy arrays are not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start < count * 4) throw new Error(`${name}: truncated .npy file`);
  const body = new Uint8Array(count * 4); // a copy: 4-byte aligned and independent of the (pooled) file buffer
  body.set(bytes.subarray(start, start + count * 4));
  if (descr === '<f4') return { dtype: 'float32', shape, data: new Float32Array(body.buffer, 0, count) };
  if (descr === '<i4') return { dtype: 'int32', shape, data: new Int32Array(body.buffer, 0, count) };
  throw new Error(`${name}: unsupported .npy dtype '${descr}' (float32 or int32 only)`);
}

export function writeNpy(path: string, data: Float32Array | Int32Array, shape: number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(readFileSync(path), path);
}
