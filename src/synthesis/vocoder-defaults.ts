// Griffin-Lim iterations and sharpening power when the user names none: n_fft 512 is the tiny
// feature size: 32 iterations, and power 1.0 (1.5 cost about 0.2 WER there); larger FFTs take
// REF's 50 iterations and power 1.5 (docs/design.md §6.4).
export function vocoderDefaults(nFft: number): { griffinLimIters: number; power: number } {
  return nFft <= 512 ? { griffinLimIters: 32, power: 1.0 } : { griffinLimIters: 50, power: 1.5 };
}
