// Adam written out (docs/design.md §5.1), TF1 form with explicit β1 0.9, β2 0.999, ε 1e-8:
//   g ← clip(g, −1, 1);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
//   η_t = η · sqrt(1 − β2^t) / (1 − β1^t);  θ ← θ − η_t · m / (sqrt(v) + ε)
// Frozen variables get no gradient and no update; the learning rate is passed per step.
import { tf } from './backend.ts';

export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clip: 1 } as const;

export class Adam {
  /** Moments by variable name (created lazily with zeros). */
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  /** Number of updates applied (t in the bias correction). */
  t = 0;

  /**
   * Apply one update to `vars` (name → variable) from `grads` (same names). Returns the global
   * norm of the clipped gradients (for logging).
   */
  step(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): number {
    this.t += 1;
    const { beta1, beta2, epsilon, clip } = ADAM;
    const lrT = (lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const named = [...grads].map(([name, g]) => {
      const theta = vars.get(name);
      if (!theta) throw new Error(`gradient for unknown variable ${name}`);
      return { theta, m: this.moment(this.m, name, theta), v: this.moment(this.v, name, theta), g };
    });
    if (named.length === 0) return 0;
    const sqTotal = tf.tidy(() => {
      if (tf.getBackend() === 'torch') {
        // The same update as below for every variable in one native call (native/tfjs-backend-torch TorchAdam).
        const inputs = [...named.map((x) => x.theta), ...named.map((x) => x.m), ...named.map((x) => x.v), ...named.map((x) => x.g)];
        const out = tf.engine().runKernel('TorchAdam', inputs as unknown as tf.NamedTensorMap, { beta1, beta2, epsilon, lr: lrT, clip }) as tf.Tensor[];
        const n = named.length;
        named.forEach((x, k) => {
          x.theta.assign(out[k]);
          x.m.assign(out[n + k]);
          x.v.assign(out[2 * n + k]);
        });
        return out[3 * n] as tf.Scalar;
      }
      const sq: tf.Scalar[] = [];
      for (const { theta, m, v, g: g0 } of named) {
        const g = tf.clipByValue(g0, -clip, clip);
        sq.push(tf.sum(tf.square(g)));
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        theta.assign(tf.sub(theta, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), lrT)));
      }
      return tf.addN(sq) as tf.Scalar;
    });
    const norm = Math.sqrt(sqTotal.dataSync()[0]);
    sqTotal.dispose();
    return norm;
  }

  private moment(map: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let mv = map.get(name);
    if (!mv) map.set(name, (mv = tf.tidy(() => tf.variable(tf.zerosLike(like), false))));
    return mv;
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }
}
