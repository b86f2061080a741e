/**
 * A bump allocator over a WebAssembly module's exported memory: the JS side of the kernels in
 * this folder copies its typed arrays in, calls a kernel with their byte offsets, and copies
 * results out. One arena per module instance (each worker imports its own instance); `reset`
 * before each call frees everything at once.
 * @module
 */

const PAGE = 65536;

/** Typed arrays the arena copies in and out. */
type Typed = Float32Array | Float64Array | Int32Array | Uint32Array;

/** A bump allocator over `memory`, starting at byte `base`. */
export class WasmArena {
  #memory: WebAssembly.Memory;
  #base: number;
  #top: number;
  #generation = 0;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.#memory = memory;
    this.#base = base;
    this.#top = base;
  }

  /** Free every allocation. */
  reset(): void {
    this.#top = this.#base;
    this.#generation++;
  }

  /**
   * How many times the arena was reset: a caller that keeps buffers in it across calls (a whole
   * training run) checks that no one else reset it in between.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The current top of the arena, for {@link release}. */
  mark(): number {
    return this.#top;
  }

  /** Free everything allocated since `mark` (a value {@link mark} returned). */
  release(mark: number): void {
    if (mark < this.#base || mark > this.#top) throw new RangeError(`arena: bad mark ${mark}`);
    this.#top = mark;
  }

  /** Reserve `bytes` (16-aligned, growing the memory when needed); returns the byte offset. */
  alloc(bytes: number): number {
    const at = this.#top;
    this.#top = at + Math.ceil(bytes / 16) * 16;
    const have = this.#memory.buffer.byteLength;
    if (this.#top > have) this.#memory.grow(Math.ceil((this.#top - have) / PAGE));
    return at;
  }

  /** Reserve room for `a` and copy it in; returns the byte offset. */
  put(a: Typed): number {
    const at = this.alloc(a.byteLength);
    new Uint8Array(this.#memory.buffer, at, a.byteLength).set(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    );
    return at;
  }

  /** Reserve `n` zeroed f32; returns the byte offset. */
  zerosF32(n: number): number {
    const at = this.alloc(4 * n);
    this.f32(at, n).fill(0);
    return at;
  }

  /** A view of `n` f32 at byte offset `at` (valid until the next allocation). */
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.#memory.buffer, at, n);
  }

  /** A view of `n` u32 at byte offset `at` (valid until the next allocation). */
  u32(at: number, n: number): Uint32Array {
    return new Uint32Array(this.#memory.buffer, at, n);
  }

  /** A view of `n` f64 at byte offset `at` (valid until the next allocation). */
  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.#memory.buffer, at, n);
  }
}
