// Architecture configurations (docs/design.md §3.7). Default, tiny and test sizes all come from
// the same builders; only these numbers differ.

export interface Text2MelConfig {
  /** Vocabulary size V (§1.1). */
  vocab: number;
  /** n_mels F. */
  nMels: number;
  /** Embedding size e. */
  e: number;
  /** Hidden size d. */
  d: number;
  /** Dilation cycle of the highway blocks. */
  dilations: number[];
  /** TextEnc: `cycles` × dilation cycle, then `extraK3` HC(k3, δ1), then `extraK1` HC(k1). */
  textEnc: { cycles: number; extraK3: number; extraK1: number };
  /** AudioEnc: `cycles` × dilation cycle, then `extraDil3` HC(k3, δ3). */
  audioEnc: { cycles: number; extraDil3: number };
  /** AudioDec: `cycles` × dilation cycle, `extraK3` HC(k3, δ1), `reluConvs` C(k1) ReLU. */
  audioDec: { cycles: number; extraK3: number; reluConvs: number };
  dropout: number;
  /** max_N / max_T: synthesis padding and the REF fixed guided-attention grid. */
  maxN: number;
  maxT: number;
  /** Guided attention width g (§4.3). */
  g: number;
}

export interface SsrnConfig {
  nMels: number;
  /** Hidden size c. */
  c: number;
  /** F' = n_fft/2 + 1. */
  fBins: number;
  dilations: number[];
  /** HC blocks per stage (δ = dilations[0], dilations[1], ...), stages = upsamples + 1. */
  hcPerStage: number;
  /** Transposed convs (each doubles time); log2 r. */
  upsamples: number;
  /** HC(k3, δ1) blocks at 2c channels. */
  wideHC: number;
  /** ReLU C(k1) layers at F' before the output conv. */
  reluConvs: number;
  dropout: number;
}

const DILATIONS = [1, 3, 9, 27];

export const TEXT2MEL_DEFAULT: Text2MelConfig = {
  vocab: 32, nMels: 80, e: 128, d: 256, dilations: DILATIONS,
  textEnc: { cycles: 2, extraK3: 2, extraK1: 2 },
  audioEnc: { cycles: 2, extraDil3: 2 },
  audioDec: { cycles: 1, extraK3: 2, reluConvs: 3 },
  dropout: 0.05, maxN: 180, maxT: 210, g: 0.2,
};

export const TEXT2MEL_TINY: Text2MelConfig = {
  vocab: 32, nMels: 40, e: 32, d: 64, dilations: DILATIONS,
  textEnc: { cycles: 1, extraK3: 1, extraK1: 1 },
  audioEnc: { cycles: 1, extraDil3: 1 },
  audioDec: { cycles: 1, extraK3: 1, reluConvs: 1 },
  dropout: 0.05, maxN: 64, maxT: 64, g: 0.2,
};

export const SSRN_DEFAULT: SsrnConfig = {
  nMels: 80, c: 512, fBins: 1025, dilations: DILATIONS,
  hcPerStage: 2, upsamples: 2, wideHC: 2, reluConvs: 2, dropout: 0.05,
};

export const SSRN_TINY: SsrnConfig = {
  nMels: 40, c: 128, fBins: 257, dilations: DILATIONS,
  hcPerStage: 1, upsamples: 2, wideHC: 1, reluConvs: 1, dropout: 0.05,
};

/** Apply a partial override object (from YAML `config: {...}`) over a base config. */
export function withOverrides<T extends object>(base: T, over: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (!(k in out)) throw new Error(`unknown model config key '${k}' (known: ${Object.keys(out).join(', ')})`);
    const cur = out[k];
    out[k] = cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' && !Array.isArray(v)
      ? withOverrides(cur as object, v as Record<string, unknown>)
      : v;
  }
  return out as T;
}
