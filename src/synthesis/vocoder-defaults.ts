// Griffin-Lim iterations and sharpening power when the user names none: n_fft 512 is the tiny
// feature size (design note §9: 32 iterations for demos; §9.1: power 1.5 costs ~0.2 WER there,
// use 1.0); larger FFTs take the REF values of §2.1 (50 iterations, power 1.5).
export function vocoderDefaults(nFft: number): { griffinLimIters: number; power: number } {
  return nFft <= 512 ? { griffinLimIters: 32, power: 1.0 } : { griffinLimIters: 50, power: 1.5 };
}
