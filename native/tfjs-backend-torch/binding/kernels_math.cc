// Element-wise (unary, binary), cast and reduction kernels.
// Binary kernels broadcast NumPy-style exactly like tfjs; the JS side passes the tfjs result dtype
// (attrs[0]) because ATen's type promotion differs in corner cases (int32 sums become int64, ...).
#include "common.h"

namespace tbt {

namespace {

at::Tensor toFloat(const at::Tensor &x) { return at::isFloatingType(x.scalar_type()) ? x : x.to(at::kFloat); }
// Arithmetic on bool tensors follows tfjs (0/1 numbers), not ATen's logical semantics.
at::Tensor numeric(const at::Tensor &x) { return x.scalar_type() == at::kBool ? x.to(at::kInt) : x; }

using Bin = at::Tensor (*)(const at::Tensor &, const at::Tensor &);

void binary(KernelMap &m, const char *name, Bin f) {
  m[name] = [f](const Tensors &in, const Attrs &a) -> Tensors {
    return {castTo(f(numeric(in[0]), numeric(in[1])), a.s(0))};
  };
}

using Un = at::Tensor (*)(const at::Tensor &);

// Float-valued unary op: integer inputs are converted to float32 first (tfjs does the same).
void unaryF(KernelMap &m, const char *name, Un f) {
  m[name] = [f](const Tensors &in, const Attrs &) -> Tensors { return {f(toFloat(in[0]))}; };
}
// Dtype-preserving unary op.
void unaryK(KernelMap &m, const char *name, Un f) {
  m[name] = [f](const Tensors &in, const Attrs &) -> Tensors { return {f(numeric(in[0]))}; };
}

std::vector<int64_t> dims(const Attrs &a, uint32_t k) { return a.v(k); }

}  // namespace

void registerMath(KernelMap &m) {
  // ---- binary, broadcasting ----
  binary(m, "Add", [](const at::Tensor &a, const at::Tensor &b) { return at::add(a, b); });
  binary(m, "Sub", [](const at::Tensor &a, const at::Tensor &b) { return at::sub(a, b); });
  binary(m, "Multiply", [](const at::Tensor &a, const at::Tensor &b) { return at::mul(a, b); });
  binary(m, "RealDiv", [](const at::Tensor &a, const at::Tensor &b) { return at::div(toFloat(a), toFloat(b)); });
  binary(m, "FloorDiv", [](const at::Tensor &a, const at::Tensor &b) {
    // tfjs floors the float quotient (x/0 -> +-Inf, cast to int32 later); avoid ATen's integer
    // division-by-zero error by dividing in float.
    return at::floor(at::div(toFloat(a), toFloat(b)));
  });
  binary(m, "Mod", [](const at::Tensor &a, const at::Tensor &b) { return at::remainder(a, b); });
  binary(m, "Maximum", [](const at::Tensor &a, const at::Tensor &b) { return at::maximum(a, b); });
  binary(m, "Minimum", [](const at::Tensor &a, const at::Tensor &b) { return at::minimum(a, b); });
  binary(m, "Pow", [](const at::Tensor &a, const at::Tensor &b) {
    if (at::isFloatingType(a.scalar_type()) || at::isFloatingType(b.scalar_type())) return at::pow(toFloat(a), toFloat(b));
    return at::pow(toFloat(a), toFloat(b)).round();  // int32 ** int32 without ATen's negative-exponent error
  });
  binary(m, "SquaredDifference", [](const at::Tensor &a, const at::Tensor &b) { auto d = at::sub(a, b); return d * d; });
  binary(m, "Atan2", [](const at::Tensor &a, const at::Tensor &b) { return at::atan2(toFloat(a), toFloat(b)); });
  binary(m, "Prelu", [](const at::Tensor &x, const at::Tensor &al) { return at::where(x < 0, x * al, x); });
  binary(m, "Less", [](const at::Tensor &a, const at::Tensor &b) { return at::lt(a, b); });
  binary(m, "LessEqual", [](const at::Tensor &a, const at::Tensor &b) { return at::le(a, b); });
  binary(m, "Greater", [](const at::Tensor &a, const at::Tensor &b) { return at::gt(a, b); });
  binary(m, "GreaterEqual", [](const at::Tensor &a, const at::Tensor &b) { return at::ge(a, b); });
  binary(m, "Equal", [](const at::Tensor &a, const at::Tensor &b) { return at::eq(a, b); });
  binary(m, "NotEqual", [](const at::Tensor &a, const at::Tensor &b) { return at::ne(a, b); });
  binary(m, "LogicalAnd", [](const at::Tensor &a, const at::Tensor &b) { return at::logical_and(a, b); });
  binary(m, "LogicalOr", [](const at::Tensor &a, const at::Tensor &b) { return at::logical_or(a, b); });
  binary(m, "LogicalXor", [](const at::Tensor &a, const at::Tensor &b) { return at::logical_xor(a, b); });
  // EluGrad(dy, y): dy where y >= 0, else dy * (y + 1).
  binary(m, "EluGrad", [](const at::Tensor &dy, const at::Tensor &y) { return at::where(y >= 0, dy, dy * (y + 1)); });

  // ---- unary ----
  unaryK(m, "Neg", [](const at::Tensor &x) { return at::neg(x); });
  unaryK(m, "Abs", [](const at::Tensor &x) { return at::abs(x); });
  unaryK(m, "Square", [](const at::Tensor &x) { return x * x; });
  unaryK(m, "Sign", [](const at::Tensor &x) { return at::sign(x); });
  unaryK(m, "Relu", [](const at::Tensor &x) { return at::relu(x); });
  unaryK(m, "Relu6", [](const at::Tensor &x) { return at::clamp(x, at::Scalar(0), at::Scalar(6)); });
  unaryF(m, "Floor", [](const at::Tensor &x) { return at::floor(x); });
  unaryF(m, "Ceil", [](const at::Tensor &x) { return at::ceil(x); });
  unaryF(m, "Round", [](const at::Tensor &x) { return at::round(x); });  // half to even, as tfjs
  unaryF(m, "Exp", [](const at::Tensor &x) { return at::exp(x); });
  unaryF(m, "Expm1", [](const at::Tensor &x) { return at::expm1(x); });
  unaryF(m, "Log", [](const at::Tensor &x) { return at::log(x); });
  unaryF(m, "Log1p", [](const at::Tensor &x) { return at::log1p(x); });
  unaryF(m, "Sqrt", [](const at::Tensor &x) { return at::sqrt(x); });
  unaryF(m, "Rsqrt", [](const at::Tensor &x) { return at::rsqrt(x); });
  unaryF(m, "Reciprocal", [](const at::Tensor &x) { return at::reciprocal(x); });
  unaryF(m, "Sigmoid", [](const at::Tensor &x) { return at::sigmoid(x); });
  unaryF(m, "Tanh", [](const at::Tensor &x) { return at::tanh(x); });
  unaryF(m, "Softplus", [](const at::Tensor &x) { return at::softplus(x); });
  unaryF(m, "Elu", [](const at::Tensor &x) { return at::elu(x); });
  unaryF(m, "Selu", [](const at::Tensor &x) { return at::selu(x); });
  unaryF(m, "Erf", [](const at::Tensor &x) { return at::erf(x); });
  unaryF(m, "Sin", [](const at::Tensor &x) { return at::sin(x); });
  unaryF(m, "Cos", [](const at::Tensor &x) { return at::cos(x); });
  unaryF(m, "Tan", [](const at::Tensor &x) { return at::tan(x); });
  unaryF(m, "Asin", [](const at::Tensor &x) { return at::asin(x); });
  unaryF(m, "Acos", [](const at::Tensor &x) { return at::acos(x); });
  unaryF(m, "Atan", [](const at::Tensor &x) { return at::atan(x); });
  unaryF(m, "Sinh", [](const at::Tensor &x) { return at::sinh(x); });
  unaryF(m, "Cosh", [](const at::Tensor &x) { return at::cosh(x); });
  unaryF(m, "Asinh", [](const at::Tensor &x) { return at::asinh(x); });
  unaryF(m, "Acosh", [](const at::Tensor &x) { return at::acosh(x); });
  unaryF(m, "Atanh", [](const at::Tensor &x) { return at::atanh(x); });
  unaryF(m, "IsNan", [](const at::Tensor &x) { return at::isnan(x); });
  unaryF(m, "IsInf", [](const at::Tensor &x) { return at::isinf(x); });
  unaryF(m, "IsFinite", [](const at::Tensor &x) { return at::isfinite(x); });
  m["LogicalNot"] = [](const Tensors &in, const Attrs &) -> Tensors { return {at::logical_not(in[0])}; };

  // AddN(xs...): element-wise sum of same-shaped tensors (gradient accumulation).
  m["AddN"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor r = numeric(in[0]).clone();
    for (size_t k = 1; k < in.size(); k++) r.add_(numeric(in[k]));
    return {castTo(r, a.s(0))};
  };

  // Step(alpha): 1 where x > 0, alpha elsewhere, NaN stays NaN (tfjs semantics; used by relu's grad).
  m["Step"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor x = toFloat(in[0]);
    at::Tensor r = at::where(x > 0, at::ones_like(x), at::full_like(x, a.f(0)));
    r = at::where(at::isnan(x), x, r);
    return {in[0].scalar_type() == at::kInt ? r.to(at::kInt) : r};  // tfjs keeps int32
  };
  m["LeakyRelu"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor x = toFloat(in[0]);
    return {at::where(x < 0, x * a.f(0), x)};
  };
  m["ClipByValue"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor x = numeric(in[0]);
    return {at::clamp(x, at::Scalar(a.f(0)), at::Scalar(a.f(1))).to(x.scalar_type())};
  };
  m["Cast"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    std::string d = a.s(0);
    if (d == "bool") return {in[0].ne(0)};
    // float -> int32 truncates toward zero, like Int32Array.from in tfjs-backend-cpu.
    return {castTo(in[0], d)};
  };

  // ---- reductions; attrs: [axes (non-empty, normalised), keepDims] ----
  m["Sum"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    return {at::sum(numeric(in[0]), dims(a, 0), a.b(1))};
  };
  m["Prod"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor x = numeric(in[0]);
    for (int64_t d : dims(a, 0)) x = at::prod(x, d, true);
    if (!a.b(1)) { auto ds = dims(a, 0); std::sort(ds.rbegin(), ds.rend()); for (int64_t d : ds) x = x.squeeze(d); }
    return {x};
  };
  m["Mean"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    return {at::mean(toFloat(in[0]), dims(a, 0), a.b(1))};
  };
  m["Max"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    return {at::amax(numeric(in[0]), dims(a, 0), a.b(1))};
  };
  m["Min"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    return {at::amin(numeric(in[0]), dims(a, 0), a.b(1))};
  };
  m["All"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    return {at::amin(in[0].to(at::kInt), dims(a, 0), a.b(1)).ne(0)};
  };
  m["Any"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    return {at::amax(in[0].to(at::kInt), dims(a, 0), a.b(1)).ne(0)};
  };
  // ArgMax/ArgMin(axis): int32 indices of the first extreme value.
  m["ArgMax"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {at::argmax(numeric(in[0]), a.i(0))}; };
  m["ArgMin"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {at::argmin(numeric(in[0]), a.i(0))}; };

  // Cumsum/Cumprod(axis, exclusive, reverse). Exclusive shifts by one along the axis.
  auto cum = [](bool prod) {
    return [prod](const Tensors &in, const Attrs &a) -> Tensors {
      int64_t ax = a.i(0);
      bool exclusive = a.b(1), reverse = a.b(2);
      at::Tensor x = numeric(in[0]);
      at::ScalarType st = x.scalar_type();
      if (reverse) x = x.flip(ax);
      at::Tensor r = prod ? at::cumprod(x, ax) : at::cumsum(x, ax);
      if (exclusive && x.size(ax) > 0) {
        std::vector<int64_t> pad(2 * (x.dim() - ax), 0);
        pad[pad.size() - 2] = 1;  // one element at the start of `ax` (pad list runs last dim first)
        r = at::constant_pad_nd(r.narrow(ax, 0, x.size(ax) - 1), pad, prod ? 1 : 0);
      }
      if (reverse) r = r.flip(ax);
      return {r.to(st)};
    };
  };
  m["Cumsum"] = cum(false);
  m["Cumprod"] = cum(true);
}

}  // namespace tbt
