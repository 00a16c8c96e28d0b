// The TensorFlow.js backend object: tensor storage lives in the addon (libtorch tensors keyed by
// integer ids); this class maps tfjs data ids to those ids and keeps tfjs-style reference counts.
import type * as tfTypes from '@tensorflow/tfjs';
import type { NativeAddon } from './addon.js';

export type TF = typeof tfTypes;
type DataId = object;
type DataType = tfTypes.DataType;
type TensorInfo = tfTypes.TensorInfo;
type BackendValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

interface Entry {
  id: number;
  refCount: number;
}

export interface TorchBackendLike {
  readonly addon: NativeAddon;
  readonly device: string;
  /**
   * Runs a native kernel on tfjs inputs, returning freshly owned outputs; with `context`, the first
   * `plain` outputs and then one context tensor (see run in binding/addon.cc).
   */
  run(kernel: string, inputs: TensorInfo[], attrs: unknown[], context?: { plain: number; items: number[] }): TensorInfo[];
  /** A new data id sharing x's storage (tfjs identity semantics, no copy). */
  alias(x: TensorInfo): TensorInfo;
  writeInfo(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: DataType): TensorInfo;
}

function typed(values: BackendValues | ArrayLike<number>, dtype: DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  if (dtype === 'bool') return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
  throw new Error(`tfjs-backend-torch: dtype ${dtype} is not supported`);
}

export function createBackendClass(tf: TF) {
  return class TorchBackend extends tf.KernelBackend implements TorchBackendLike {
    private readonly entries = new Map<DataId, Entry>();

    constructor(
      readonly addon: NativeAddon,
      readonly device: string,
    ) {
      super();
    }

    private entry(dataId: DataId): Entry {
      let e = this.entries.get(dataId);
      if (!e) {
        // Data owned by another backend: the engine reads it there and calls move() on us.
        tf.engine().moveData(this as unknown as tfTypes.KernelBackend, dataId);
        e = this.entries.get(dataId);
        if (!e) throw new Error('tfjs-backend-torch: data id not found after move');
      }
      return e;
    }

    override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
      const dataId = {};
      this.entries.set(dataId, { id: this.addon.write(typed(values, dtype), shape, dtype), refCount: 1 });
      return dataId;
    }

    override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
      this.entries.set(dataId, { id: this.addon.write(typed(values, dtype), shape, dtype), refCount });
    }

    override readSync(dataId: DataId): BackendValues {
      return this.addon.read(this.entry(dataId).id);
    }

    override async read(dataId: DataId): Promise<BackendValues> {
      return this.readSync(dataId);
    }

    override disposeData(dataId: DataId, force = false): boolean {
      const e = this.entries.get(dataId);
      if (!e) return true;
      e.refCount--;
      if (!force && e.refCount > 0) return false;
      this.addon.dispose(e.id);
      this.entries.delete(dataId);
      return true;
    }

    override refCount(dataId: DataId): number {
      return this.entries.get(dataId)?.refCount ?? 0;
    }

    override incRef(dataId: DataId): void {
      const e = this.entries.get(dataId);
      if (e) e.refCount++;
    }

    override numDataIds(): number {
      return this.entries.size;
    }

    override memory() {
      const m = this.addon.memory();
      return { unreliable: false, numBytesInTorch: m.bytes, numTorchTensors: m.count } as { unreliable: boolean };
    }

    /** Native storage: { count, bytes } of libtorch tensors held by this backend. */
    nativeMemory(): { count: number; bytes: number } {
      return this.addon.memory();
    }

    override async time(f: () => void) {
      const t0 = performance.now();
      f();
      return { kernelMs: performance.now() - t0 };
    }

    override floatPrecision(): 32 {
      return 32;
    }

    override epsilon(): number {
      return 1e-7;
    }

    override dispose(): void {
      for (const e of this.entries.values()) this.addon.dispose(e.id);
      this.entries.clear();
    }

    run(kernel: string, inputs: TensorInfo[], attrs: unknown[], context?: { plain: number; items: number[] }): TensorInfo[] {
      const ids = inputs.map((t) => this.entry(t.dataId).id);
      const res = context ? this.addon.run(kernel, ids, attrs, context.plain, context.items) : this.addon.run(kernel, ids, attrs);
      const out: TensorInfo[] = [];
      for (let k = 0; k < res.length; k += 3) {
        const dataId = {};
        this.entries.set(dataId, { id: res[k] as number, refCount: 1 });
        out.push({ dataId, dtype: res[k + 1] as DataType, shape: res[k + 2] as number[] });
      }
      return out;
    }

    alias(x: TensorInfo): TensorInfo {
      this.entry(x.dataId).refCount++;
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }

    writeInfo(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: DataType): TensorInfo {
      return { dataId: this.write(values, shape, dtype), shape, dtype };
    }
  };
}
