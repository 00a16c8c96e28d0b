// Matrix multiply, convolutions (with dilations, forward and both gradients), fused layer norm
// and softmax.
//
// Layouts: tfjs convolutions are NHWC with filters [fh, fw, in, out]; ATen wants NCHW with
// weights [out, in, fh, fw]. We permute on the way in and out (NCHW dataFormat skips the data
// permutes). tfjs's padding may be asymmetric (SAME with an even total), which ATen's symmetric
// `padding` cannot express, so the input is padded explicitly and ATen runs with padding 0;
// gradients w.r.t. the input are computed for the padded input and then cropped.
// Dilation d means taps at offsets 0, d, 2d, ... (effective filter size (f-1)*d+1) - the same
// definition in tfjs and ATen, so the attribute passes straight through.
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

  // TorchAdam(theta, m, v, g; beta1, beta2, epsilon, lr_t, clip) -> [theta', m', v', sum(g_c^2)]:
  // vcpipe's Adam update of one variable (src/models/adam.ts) in one call instead of ~15 kernels
  // and 7 scalar uploads: g_c = clip(g), m' = b1 m + (1-b1) g_c, v' = b2 v + (1-b2) g_c^2,
  // theta' = theta - lr_t m' / (sqrt(v') + eps).
  m["TorchAdam"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    double b1 = a.f(0), b2 = a.f(1), eps = a.f(2), lr = a.f(3), clip = a.f(4);
    at::Tensor g = in[3].clamp(-clip, clip);
    at::Tensor m1 = in[1].mul(b1).add_(g, 1 - b1);
    at::Tensor v1 = in[2].mul(b2).addcmul_(g, g, 1 - b2);
    at::Tensor th = in[0].addcdiv(m1, v1.sqrt().add_(eps), -lr);
    return {th, m1, v1, g.square().sum()};
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
