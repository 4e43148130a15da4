/**
 * Resident buffers: a network's parameters, gradients, workspaces and batch buffers allocated inside a WebAssembly
 * memory of its own, so that the WebAssembly GEMM (simd.ts) reads and writes them where they are instead of copying
 * whole matrices in and out on every product (docs/kernels.md, "What is resident").
 *
 * Each arena is one `WebAssembly.Memory({ shared: true })`: growing a shared memory never detaches the views already
 * made over it (a non-shared memory's `grow` would), so buffers can be allocated at any time (a workspace for a new
 * batch size) while the older ones stay valid. Where shared memory is unavailable (a page that is not cross-origin
 * isolated) or cannot be reserved, `createArena` returns null and the network uses plain Float32Arrays: the kernel
 * then copies them as before, with the same results. An arena is only memory: nothing in it is freed one buffer at a
 * time; it goes, with its memory, when the network and every view into it are garbage.
 */

/** The little of the WebAssembly JS API used here (src/core compiles without DOM or Node types). */
export interface ArenaMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => ArenaMemory;
};

export interface Arena {
  readonly memory: ArenaMemory;
  /** A zeroed buffer of n floats in the arena (64-byte aligned). */
  floats(n: number): Float32Array;
  /**
   * The float offset of a region of at least n floats that belongs to the kernel (packing panels, operands that are
   * not resident). The same region is returned until a larger one is asked for.
   */
  workspace(n: number): number;
  /** Floats allocated so far (buffers and kernel workspace). */
  used(): number;
}

const PAGE = 65536;
/** Every SharedArrayBuffer object an arena's memory has handed out (a new one after each grow), to its arena. */
const owners = new WeakMap<ArrayBufferLike, Arena>();

/** The arena a view lives in, or undefined for an ordinary Float32Array. */
export function arenaOf(view: Float32Array): Arena | undefined {
  return owners.get(view.buffer);
}

/** Round a count of floats up to a multiple of 16 (64 bytes, a cache line). */
const line = (floats: number): number => Math.ceil(floats / 16) * 16;

/** A new arena of `initialFloats` floats (it grows as needed), or null where shared WebAssembly memory cannot be made. */
export function createArena(initialFloats = 0): Arena | null {
  let memory: ArenaMemory;
  try {
    if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return null;
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((initialFloats * 4) / PAGE)), maximum: 65536, shared: true });
  } catch {
    return null;
  }
  /** Next free float; float 0..15 stay unused so that no buffer starts at address 0. */
  let top = 16;
  let ws = -1;
  let wsSize = 0;
  const reserve = (n: number): number => {
    const at = top;
    top += line(Math.max(n, 1));
    const bytes = top * 4;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    return at;
  };
  const arena: Arena = {
    memory,
    used: () => top,
    floats(n) {
      const at = reserve(n);
      const buffer = memory.buffer;
      owners.set(buffer, arena);
      return new Float32Array(buffer, at * 4, n);
    },
    workspace(n) {
      if (n > wsSize) {
        // Old regions are not reused (nothing is freed): doubling keeps what is left behind under the largest size.
        wsSize = Math.max(n, 2 * wsSize);
        ws = reserve(wsSize);
        owners.set(memory.buffer, arena);
      }
      return ws;
    },
  };
  owners.set(memory.buffer, arena);
  return arena;
}
