/**
 * A reader for IDX files (the MNIST family's format), optionally gzip-compressed.
 *
 * Layout: two zero bytes, a type code, the number of dimensions `k`, then `k` big-endian
 * uint32 sizes, then the data in big-endian order. Decompression uses the web streams API
 * (`DecompressionStream("gzip")`), so no dependency is needed.
 * @module
 */

/** The IDX element types, by type code. */
export const IDX_TYPES = {
  0x08: "uint8",
  0x09: "int8",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
} as const;

/** An IDX element type name. */
export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES];

const BYTES: Record<IdxType, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

/** A parsed IDX tensor: its element type, its sizes, and its data in row-major order. */
export interface IdxTensor {
  type: IdxType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Thrown for a malformed IDX file; the message names the source and what is wrong. */
export class IdxFormatError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: not a valid IDX file: ${message}`);
    this.name = "IdxFormatError";
  }
}

/**
 * Parse the bytes of an (uncompressed) IDX file. Validates the magic number, the header
 * length, and that the data length is exactly the product of the sizes.
 *
 * @example
 * ```ts
 * import { parseIdx } from "./idx.ts";
 * const bytes = new Uint8Array([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]);
 * const t = parseIdx(bytes);
 * console.assert(t.dims[0] === 2 && t.data[1] === 9);
 * ```
 */
export function parseIdx(bytes: Uint8Array, source = "IDX data"): IdxTensor {
  if (bytes.length < 4) {
    throw new IdxFormatError(source, `only ${bytes.length} bytes, shorter than the 4-byte magic`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      source,
      `bad magic number 0x${hex(bytes, 0, 4)} (must start with two zero bytes)`,
    );
  }
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (!type) {
    throw new IdxFormatError(
      source,
      `bad magic number 0x${hex(bytes, 0, 4)}: unknown type code 0x${hex(bytes, 2, 3)}`,
    );
  }
  const k = bytes[3];
  if (k === 0) throw new IdxFormatError(source, "magic number says 0 dimensions");
  const headerLen = 4 + 4 * k;
  if (bytes.length < headerLen) {
    throw new IdxFormatError(
      source,
      `truncated header: ${k} dimensions need ${headerLen} bytes, file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < k; i++) {
    const n = view.getUint32(4 + 4 * i, false);
    dims.push(n);
    count *= n;
  }
  const width = BYTES[type];
  const expected = headerLen + count * width;
  if (bytes.length < expected) {
    throw new IdxFormatError(
      source,
      `truncated: sizes [${
        dims.join(", ")
      }] of ${type} need ${expected} bytes, file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new IdxFormatError(
      source,
      `wrong sizes: [${
        dims.join(", ")
      }] of ${type} need ${expected} bytes, file has ${bytes.length} ` +
        `(${bytes.length - expected} trailing bytes)`,
    );
  }
  return { type, dims, data: decode(view, headerLen, count, type) };
}

function hex(b: Uint8Array, from: number, to: number): string {
  return Array.from(b.subarray(from, to), (x) => x.toString(16).padStart(2, "0")).join("");
}

function decode(view: DataView, off: number, n: number, type: IdxType): IdxTensor["data"] {
  switch (type) {
    case "uint8":
      return new Uint8Array(view.buffer, view.byteOffset + off, n).slice();
    case "int8":
      return new Int8Array(view.buffer, view.byteOffset + off, n).slice();
    case "int16": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(off + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(off + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(off + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(off + 8 * i, false);
      return out;
    }
  }
}

/** Whether the bytes start with the gzip magic (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompress gzip bytes through the web streams API. */
export async function gunzip(bytes: Uint8Array, source = "gzip data"): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new IdxFormatError(source, `gzip decompression failed (${(e as Error).message})`);
  }
}

/** Compress bytes with gzip through the web streams API (used to write fixtures). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Read and parse an IDX file, gunzipping it first when it is gzip-compressed. */
export async function readIdxFile(path: string): Promise<IdxTensor> {
  let bytes: Uint8Array = await Deno.readFile(path);
  if (isGzip(bytes)) bytes = await gunzip(bytes, path);
  return parseIdx(bytes, path);
}

/** Encode a tensor as IDX bytes (big-endian), the inverse of {@link parseIdx}. */
export function encodeIdx(t: IdxTensor): Uint8Array {
  const code = Number(
    Object.entries(IDX_TYPES).find(([, name]) => name === t.type)![0],
  );
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw new RangeError(
      `encodeIdx: sizes [${t.dims}] hold ${count} values, data has ${t.data.length}`,
    );
  }
  const headerLen = 4 + 4 * t.dims.length;
  const out = new Uint8Array(headerLen + count * BYTES[t.type]);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = t.dims.length;
  t.dims.forEach((n, i) => view.setUint32(4 + 4 * i, n, false));
  for (let i = 0; i < count; i++) {
    const o = headerLen + i * BYTES[t.type];
    const v = t.data[i];
    switch (t.type) {
      case "uint8":
        view.setUint8(o, v);
        break;
      case "int8":
        view.setInt8(o, v);
        break;
      case "int16":
        view.setInt16(o, v, false);
        break;
      case "int32":
        view.setInt32(o, v, false);
        break;
      case "float32":
        view.setFloat32(o, v, false);
        break;
      case "float64":
        view.setFloat64(o, v, false);
        break;
    }
  }
  return out;
}
