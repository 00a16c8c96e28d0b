// Matrix multiply, convolutions (with dilations, forward and both gradients), vcpipe's fused
// kernels (layer norm, highway and conv layers, dropout masks, Adam update), and softmax.
//
// Layouts: tfjs convolutions are NHWC with filters [fh, fw, in, out]; ATen wants NCHW with
// weights [out, in, fh, fw]. We permute on the way in and out (NCHW dataFormat skips the data
// permutes). tfjs's padding may be asymmetric (SAME with an even total), which ATen's symmetric
// `padding` cannot express, so the input is padded explicitly and ATen runs with padding 0;
// gradients w.r.t. the input are computed for the padded input and then cropped.
// Dilation d means taps at offsets 0, d, 2d, ... (effective filter size (f-1)*d+1) - the same
// definition in tfjs and ATen, so the attribute passes straight through.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "common.h"

namespace tbt {

namespace {

at::Tensor mm(at::Tensor a, at::Tensor b, bool ta, bool tb) {
  if (ta) a = a.transpose(-2, -1);
  if (tb) b = b.transpose(-2, -1);
  if (!at::isFloatingType(a.scalar_type()) || !at::isFloatingType(b.scalar_type()))
    return at::matmul(a.to(at::kFloat), b.to(at::kFloat)).round().to(at::kInt);
  return at::matmul(a, b);
}

// Conv attrs: [strideH, strideW, dilH, dilW, top, bottom, left, right, channelsLast, ...]
struct ConvGeom {
  std::vector<int64_t> stride, dilation;
  int64_t top, bottom, left, right;
  bool nhwc;
  explicit ConvGeom(const Attrs &a)
      : stride{a.i(0), a.i(1)}, dilation{a.i(2), a.i(3)}, top(a.i(4)), bottom(a.i(5)), left(a.i(6)), right(a.i(7)), nhwc(a.b(8)) {}
  at::Tensor toNCHW(const at::Tensor &t) const { return nhwc ? t.permute({0, 3, 1, 2}) : t; }
  at::Tensor fromNCHW(const at::Tensor &t) const { return (nhwc ? t.permute({0, 2, 3, 1}) : t).contiguous(); }
  at::Tensor pad(const at::Tensor &nchw) const {
    if (!top && !bottom && !left && !right) return nchw;
    return at::constant_pad_nd(nchw, {left, right, top, bottom}, 0);
  }
};

// tfjs filter [fh, fw, in, out] -> ATen weight [out, in, fh, fw]
at::Tensor weightFromTf(const at::Tensor &f) { return f.permute({3, 2, 0, 1}).contiguous(); }

at::Tensor activate(const at::Tensor &x, const std::string &act, double alpha, const at::Tensor *prelu) {
  if (act == "linear" || act.empty()) return x;
  if (act == "relu") return at::relu(x);
  if (act == "relu6") return at::clamp(x, at::Scalar(0), at::Scalar(6));
  if (act == "sigmoid") return at::sigmoid(x);
  if (act == "elu") return at::elu(x);
  if (act == "leakyrelu") return at::where(x < 0, x * alpha, x);
  if (act == "prelu" && prelu) return at::where(x < 0, x * *prelu, x);
  throw std::runtime_error("unsupported fused activation " + act);
}

// Geometry of a layer's 1-D convolution (attrs k, dilation, causal) on channels-last
// x [B, L, C_in] with a tfjs kernel [k, C_in, C_out]. k = 1 is a matmul (no permutes).
struct Conv1dGeom {
  int64_t b, l, cin, cout, k, dilation, left, right;
  Conv1dGeom(const at::Tensor &x, const at::Tensor &kernel, const Attrs &a)
      : b(x.size(0)), l(x.size(1)), cin(x.size(2)), cout(kernel.size(2)), k(a.i(0)), dilation(a.i(1)) {
    int64_t total = (k - 1) * dilation;
    left = a.b(2) ? total : total / 2;
    right = total - left;
  }
  // x -> padded [B, C_in, L + (k-1)d]
  at::Tensor padded(const at::Tensor &x) const { return at::constant_pad_nd(x.transpose(1, 2), {left, right}, 0); }
  // ATen weight [C_out, C_in, k]
  static at::Tensor weight(const at::Tensor &kernel) { return kernel.permute({2, 1, 0}).contiguous(); }
  at::Tensor conv(const at::Tensor &x, const at::Tensor &kernel, const at::Tensor &bias) const {
    if (k == 1) return at::addmm(bias, x.reshape({b * l, cin}), kernel.reshape({cin, cout})).reshape({b, l, cout});
    at::Tensor y = at::conv1d(padded(x), weight(kernel), bias, at::IntArrayRef{1}, at::IntArrayRef{0}, at::IntArrayRef{dilation}, 1);
    return y.transpose(1, 2).contiguous();
  }
  // dh [B, L, C_out] -> (dx [B, L, C_in], dkernel [k, C_in, C_out], dbias [C_out])
  std::tuple<at::Tensor, at::Tensor, at::Tensor> convBackward(const at::Tensor &dh, const at::Tensor &x, const at::Tensor &kernel) const {
    at::Tensor dbias = dh.sum(at::IntArrayRef{0, 1});
    if (k == 1) {
      at::Tensor d2 = dh.reshape({b * l, cout}), x2 = x.reshape({b * l, cin});
      at::Tensor dx = at::mm(d2, kernel.reshape({cin, cout}).t()).reshape({b, l, cin});
      return {dx, at::mm(x2.t(), d2).reshape({1, cin, cout}), dbias};
    }
    at::Tensor dhT = dh.transpose(1, 2).contiguous();
    at::Tensor xp = padded(x).contiguous();
    std::vector<int64_t> one{1}, zero{0}, dil{dilation};
    auto r = at::convolution_backward(dhT, xp, weight(kernel), c10::nullopt, one, zero, dil, false, zero, 1, {true, true, false});
    at::Tensor dx = std::get<0>(r).narrow(2, left, l).transpose(1, 2).contiguous();
    return {dx, std::get<1>(r).permute({2, 1, 0}).contiguous(), dbias};
  }
};

struct AdamConsts {
  float b1, b2, c1, c2, eps, lr, clip;
};

// One Adam update over elements [lo, hi) of one variable (see TorchAdam); returns sum(g_c^2).
// Written for the auto-vectoriser (restrict pointers, constants by value so that no store can
// alias them, no branches; needs -O3 -fno-math-errno):
// the squares are summed in float over blocks of 1024, in double across blocks.
__attribute__((noinline)) double adamSpan(const float *__restrict pt, const float *__restrict pm, const float *__restrict pv, const float *__restrict pg,
                float *__restrict ot, float *__restrict om, float *__restrict ov, int64_t lo, int64_t hi, AdamConsts c) {
  double total = 0;
  for (int64_t s = lo; s < hi; s += 1024) {
    const int64_t e = std::min(hi, s + 1024);
    float acc = 0;
    for (int64_t i = s; i < e; i++) {
      // The composed update's operation order (src/models/adam.ts), so both round alike.
      float g = std::min(std::max(pg[i], -c.clip), c.clip);
      float mi = pm[i] * c.b1 + g * c.c1, vi = pv[i] * c.b2 + g * g * c.c2;
      om[i] = mi;
      ov[i] = vi;
      ot[i] = pt[i] - mi / (std::sqrt(vi) + c.eps) * c.lr;
      acc += g * g;
    }
    total += acc;
  }
  return total;
}

// Elements [lo, hi) of a dropout mask (see TorchDropoutMask): a function of its own so that the
// auto-vectoriser sees a restrict pointer (inside the parallel_for lambda it did not vectorise).
__attribute__((noinline)) void dropoutSpan(float *__restrict o, int64_t lo, int64_t hi, uint32_t s0, uint32_t cut, float keep) {
  for (int64_t i = lo; i < hi; i++) {
    uint32_t t = s0 + static_cast<uint32_t>(i + 1) * 0x6d2b79f5u;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    o[i] = (t ^ (t >> 14)) >= cut ? keep : 0.0f;
  }
}

}  // namespace

void registerNN(KernelMap &m) {
  // BatchMatMul(a, b; transposeA, transposeB): batch dims broadcast as in tfjs.
  m["BatchMatMul"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {mm(in[0], in[1], a.b(0), a.b(1))}; };
  // _FusedMatMul(a, b[, bias][, preluWeights]; transposeA, transposeB, activation, alpha, hasBias, hasPrelu)
  m["_FusedMatMul"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor r = mm(in[0], in[1], a.b(0), a.b(1));
    size_t k = 2;
    if (a.b(4)) r = r + in[k++];
    const at::Tensor *prelu = a.b(5) ? &in[k] : nullptr;
    return {activate(r, a.s(2), a.f(3), prelu)};
  };

  // TorchLayerNorm(x, gamma, beta; epsilon) -> [y, mean, rstd]: LayerNorm over the last axis in one
  // call (tfjs composes it from ~10 kernels forward and ~25 backward); mean and rstd are [..., 1]
  // and are kept for the gradient.
  m["TorchLayerNorm"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    auto r = at::native_layer_norm(in[0], {in[0].size(-1)}, in[1], in[2], a.f(0));
    return {std::get<0>(r), std::get<1>(r), std::get<2>(r)};
  };
  // TorchLayerNormGrad(dy, x, mean, rstd, gamma) -> [dx, dgamma, dbeta]. The bias argument only
  // shapes dbeta (ATen allocates it like bias); gamma has bias's shape and dtype, so it stands in.
  m["TorchLayerNormGrad"] = [](const Tensors &in, const Attrs &) -> Tensors {
    auto r = at::native_layer_norm_backward(in[0].contiguous(), in[1], {in[1].size(-1)}, in[2], in[3], in[4], in[4],
                                            {true, true, true});
    return {std::get<0>(r), std::get<1>(r), std::get<2>(r)};
  };

  // TorchAdam(theta_0..K-1, m_0.., v_0.., g_0..; beta1, beta2, epsilon, lr_t, clip)
  //   -> [theta'_0.., m'_0.., v'_0.., sum over all variables of g_c^2]
  // vcpipe's Adam update (src/models/adam.ts) of every variable in one call (a multi-tensor
  // update, like PyTorch's foreach optimisers) instead of ~15 kernels per variable:
  // g_c = clip(g), m' = b1 m + (1-b1) g_c, v' = b2 v + (1-b2) g_c^2,
  // theta' = theta - lr_t m' / (sqrt(v') + eps). One pass over each variable on the CPU.
  m["TorchAdam"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    if (in.size() % 4 != 0) throw std::runtime_error("expects theta, m, v and g for each variable");
    const size_t n = in.size() / 4;
    // Constants rounded to float32 once, as tfjs does with scalar operands (1 - b1 in double first).
    const AdamConsts c{float(a.f(0)), float(a.f(1)), float(1 - a.f(0)), float(1 - a.f(1)), float(a.f(2)), float(a.f(3)), float(a.f(4))};
    Tensors out(3 * n + 1);
    at::Tensor total = at::zeros({}, opts(at::kDouble));
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
      const at::Tensor &theta = in[k], &m0 = in[n + k], &v0 = in[2 * n + k], &g0 = in[3 * n + k];
      if (theta.is_cuda()) {  // device tensors: the same update as ATen ops
        at::Tensor g = g0.clamp(-c.clip, c.clip);
        out[n + k] = m0.mul(c.b1).add_(g, c.c1);
        out[2 * n + k] = v0.mul(c.b2).addcmul_(g, g, c.c2);
        out[k] = theta.addcdiv(out[n + k], out[2 * n + k].sqrt().add_(c.eps), -c.lr);
        total.add_(g.square().sum());
        continue;
      }
      at::Tensor th1 = at::empty_like(theta), m1 = at::empty_like(m0), v1 = at::empty_like(v0);
      const float *pt = theta.data_ptr<float>(), *pm = m0.data_ptr<float>(), *pv = v0.data_ptr<float>(), *pg = g0.data_ptr<float>();
      float *ot = th1.data_ptr<float>(), *om = m1.data_ptr<float>(), *ov = v1.data_ptr<float>();
      sum += at::parallel_reduce(0, theta.numel(), 32768, 0.0, [&](int64_t lo, int64_t hi, double acc) {
        return acc + adamSpan(pt, pm, pv, pg, ot, om, ov, lo, hi, c);
      }, std::plus<double>());
      out[k] = th1, out[n + k] = m1, out[2 * n + k] = v1;
    }
    out[3 * n] = total.add_(sum).to(at::kFloat);
    return out;
  };

  // TorchHighway(x, kernel, bias, gamma1, beta1, gamma2, beta2[, mask]; k, dilation, causal, epsilon)
  //   -> [y, h, g, v, mean1, rstd1, mean2, rstd2]
  // vcpipe's highway-conv layer HC (src/models/layers.ts, docs/design.md §3.1) in one call instead of
  // ~17 kernels (pad, reshapes, conv, bias, split, two layer norms, sigmoid, gate, dropout):
  //   h = conv(x) + bias (x [B, L, C] channels-last, kernel [k, C, 2C]; causal pads (k-1)d on the
  //   left, same half each side), g = sigmoid(LN1(h[..., :C])), v = LN2(h[..., C:]),
  //   y = (x + g (v - x)) * mask. h, g, v and the LN statistics are kept for the gradient.
  m["TorchHighway"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    Conv1dGeom geo(in[0], in[1], a);
    at::Tensor h = geo.conv(in[0], in[1], in[2]);
    int64_t c = geo.cin;
    auto l1 = at::native_layer_norm(h.narrow(-1, 0, c).contiguous(), {c}, in[3], in[4], a.f(3));
    auto l2 = at::native_layer_norm(h.narrow(-1, c, c).contiguous(), {c}, in[5], in[6], a.f(3));
    at::Tensor g = at::sigmoid(std::get<0>(l1));
    at::Tensor v = std::get<0>(l2);
    at::Tensor y = at::addcmul(in[0], g, v - in[0]);
    if (in.size() > 7) y.mul_(in[7]);
    return {y, h, g, v, std::get<1>(l1), std::get<2>(l1), std::get<1>(l2), std::get<2>(l2)};
  };
  // TorchHighwayGrad(dy, context of TorchHighway = x, kernel, h, g, v, mean1, rstd1, mean2, rstd2, gamma1, gamma2[, mask]; k, dilation, causal)
  //   -> [dx, dkernel, dbias, dgamma1, dbeta1, dgamma2, dbeta2]
  m["TorchHighwayGrad"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    if (in.size() < 12) throw std::runtime_error("expects dy and the context of a TorchHighway call");
    const at::Tensor &x = in[1], &g = in[4], &v = in[5];
    Conv1dGeom geo(x, in[2], a);
    int64_t c = geo.cin;
    at::Tensor dy = in.size() > 12 ? in[0] * in[12] : in[0];
    at::Tensor dv = dy * g;
    at::Tensor da1 = dy * (v - x) * g * (1 - g);  // through the sigmoid
    at::Tensor h = in[3];
    auto b1 = at::native_layer_norm_backward(da1, h.narrow(-1, 0, c).contiguous(), {c}, in[6], in[7], in[10], in[10], {true, true, true});
    auto b2 = at::native_layer_norm_backward(dv, h.narrow(-1, c, c).contiguous(), {c}, in[8], in[9], in[11], in[11], {true, true, true});
    at::Tensor dh = at::cat({std::get<0>(b1), std::get<0>(b2)}, -1);
    auto [dxConv, dkernel, dbias] = geo.convBackward(dh, x, in[2]);
    at::Tensor dx = dxConv.add_(dy * (1 - g));
    return {dx, dkernel, dbias, std::get<1>(b1), std::get<2>(b1), std::get<1>(b2), std::get<2>(b2)};
  };

  // TorchConvLayer(x, kernel, bias, gamma, beta[, mask]; k, dilation, causal, relu, epsilon) -> [y, h, a, mean, rstd]
  // vcpipe's conv layer C (src/models/layers.ts, docs/design.md §3.1) in one call instead of ~8
  // kernels: h = conv(x) + bias, a = LN(h), y = act(a) * mask (act: ReLU or none).
  m["TorchConvLayer"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    Conv1dGeom geo(in[0], in[1], a);
    at::Tensor h = geo.conv(in[0], in[1], in[2]);
    auto ln = at::native_layer_norm(h, {geo.cout}, in[3], in[4], a.f(4));
    at::Tensor act = std::get<0>(ln);
    at::Tensor y = a.b(3) ? at::relu(act) : act;
    if (in.size() > 5) y = y * in[5];
    return {y, h, act, std::get<1>(ln), std::get<2>(ln)};
  };
  // TorchConvLayerGrad(dy, context of TorchConvLayer = x, kernel, h, a, mean, rstd, gamma[, mask]; k, dilation, causal, relu)
  //   -> [dx, dkernel, dbias, dgamma, dbeta]
  m["TorchConvLayerGrad"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    if (in.size() < 8) throw std::runtime_error("expects dy and the context of a TorchConvLayer call");
    Conv1dGeom geo(in[1], in[2], a);
    at::Tensor da = in.size() > 8 ? in[0] * in[8] : in[0];
    if (a.b(3)) da = da * (in[4] > 0);
    auto b = at::native_layer_norm_backward(da.contiguous(), in[3], {geo.cout}, in[5], in[6], in[7], in[7], {true, true, true});
    auto [dx, dkernel, dbias] = geo.convBackward(std::get<0>(b), in[1], in[2]);
    return {dx, dkernel, dbias, std::get<1>(b), std::get<2>(b)};
  };

  // TorchDropoutMask(; state, shape, p) -> float mask of `shape`: element i is 0 when the i-th draw
  // of mulberry32 from `state` is < p, else 1/(1-p). The same stream, bit for bit, as vcpipe's
  // Rng.dropoutMask (src/models/rng.ts), whose state the caller advances with Rng.skip(n). Each
  // draw adds 0x6d2b79f5 to the state, so draw i starts from state + (i+1)*0x6d2b79f5 and the
  // elements are independent (parallel, vectorised). The draw u is kept when u/2^32 >= p, i.e.
  // u >= ceil(p*2^32) (exact in double). Drawn on the CPU and moved to the backend's device.
  m["TorchDropoutMask"] = [](const Tensors &, const Attrs &a) -> Tensors {
    const uint32_t s0 = static_cast<uint32_t>(a.i(0));
    std::vector<int64_t> shape = a.v(1);
    const double p = a.f(2);
    const double threshold = std::ceil(p * 4294967296.0);
    at::Tensor out = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
    if (threshold > 4294967295.0) return {out.zero_().to(device())};  // p so close to 1 that no draw is kept
    const uint32_t cut = static_cast<uint32_t>(threshold);
    const float keep = static_cast<float>(1.0 / (1.0 - p));
    float *o = out.data_ptr<float>();
    at::parallel_for(0, out.numel(), 32768, [&](int64_t lo, int64_t hi) { dropoutSpan(o, lo, hi, s0, cut, keep); });
    return {out.to(device())};
  };

  m["Softmax"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {at::softmax(in[0], a.i(0))}; };
  m["LogSoftmax"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {at::log_softmax(in[0], a.i(0))}; };

  // Conv2D(x, filter)
  m["Conv2D"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    ConvGeom g(a);
    at::Tensor y = at::conv2d(g.pad(g.toNCHW(in[0])), weightFromTf(in[1]), c10::optional<at::Tensor>(), g.stride,
                              at::IntArrayRef({0, 0}), g.dilation, 1);
    return {g.fromNCHW(y)};
  };
  // Conv2DBackpropInput(dy, filter; ..., inputShape N,H,W,C in the data format): gradient of
  // Conv2D w.r.t. its input (also tfjs's conv2dTranspose).
  m["Conv2DBackpropInput"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    ConvGeom g(a);
    auto s = a.v(9);
    int64_t n = s[0], h = g.nhwc ? s[1] : s[2], w = g.nhwc ? s[2] : s[3], c = g.nhwc ? s[3] : s[1];
    at::Tensor dy = g.toNCHW(in[0]);
    at::Tensor wt = weightFromTf(in[1]);
    // Only the shape of the (padded) input matters for the input gradient.
    at::Tensor shapeOnly = at::empty({n, c, h + g.top + g.bottom, w + g.left + g.right}, dy.options());
    auto r = at::convolution_backward(dy.contiguous(), shapeOnly, wt, c10::nullopt, g.stride, {0, 0}, g.dilation,
                                      false, {0, 0}, 1, {true, false, false});
    at::Tensor dx = std::get<0>(r).narrow(2, g.top, h).narrow(3, g.left, w);
    return {g.fromNCHW(dx)};
  };
  // Conv2DBackpropFilter(x, dy; ..., filterShape [fh, fw, in, out]): gradient w.r.t. the filter.
  m["Conv2DBackpropFilter"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    ConvGeom g(a);
    auto fs = a.v(9);
    at::Tensor x = g.pad(g.toNCHW(in[0])).contiguous();
    at::Tensor dy = g.toNCHW(in[1]).contiguous();
    at::Tensor shapeOnly = at::empty({fs[3], fs[2], fs[0], fs[1]}, x.options());
    auto r = at::convolution_backward(dy, x, shapeOnly, c10::nullopt, g.stride, {0, 0}, g.dilation, false, {0, 0}, 1,
                                      {false, true, false});
    return {std::get<1>(r).permute({2, 3, 1, 0}).contiguous()};
  };
}

}  // namespace tbt
