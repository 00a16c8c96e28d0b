// One optimisation step: gradients of the total loss with respect to the trainable variables,
// value-clipped Adam update at the given learning rate. Shared by the training loop and the bench.
import { tf } from '../models/backend.ts';
import type { Adam } from '../models/adam.ts';

export interface StepResult {
  /** Total loss and its named terms, as numbers. */
  values: Record<string, number>;
  gradNorm: number;
}

export class Stepper {
  private readonly ours: Map<string, string>;

  constructor(private readonly trainable: Map<string, tf.Variable>, private readonly adam: Adam) {
    this.ours = new Map([...trainable].map(([n, v]) => [v.name, n]));
  }

  /**
   * `losses` runs inside the gradient scope. When the total is not finite, no update is applied
   * and `gradNorm` is NaN.
   */
  step(losses: () => { total: tf.Scalar; terms: Record<string, tf.Scalar> }, lr: number): StepResult {
    const termTensors: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const { total, terms } = losses();
      for (const [k, t] of Object.entries(terms)) termTensors[k] = tf.keep(t);
      return total;
    }, [...this.trainable.values()]);
    const values: Record<string, number> = { loss: value.dataSync()[0] };
    for (const [k, t] of Object.entries(termTensors)) values[k] = t.dataSync()[0];
    tf.dispose([value, ...Object.values(termTensors)]);
    let gradNorm = NaN;
    if (Number.isFinite(values.loss)) {
      const named = new Map(Object.entries(grads).map(([tfName, g]) => [this.ours.get(tfName)!, g]));
      gradNorm = this.adam.step(this.trainable, named, lr);
    }
    tf.dispose(Object.values(grads));
    return { values, gradNorm };
  }
}
