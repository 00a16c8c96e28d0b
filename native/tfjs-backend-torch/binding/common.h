// Shared declarations for the addon: the tensor store, attribute access and the kernel registry.
// Every translation unit includes ATen only (not torch/torch.h) to keep compile times down.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tbt {

using Tensors = std::vector<at::Tensor>;

// Device every new tensor lives on (CPU, or CUDA when chosen at init).
at::Device device();
at::TensorOptions opts(at::ScalarType t);

// tfjs dtype names <-> ATen scalar types. Only float32, int32 and bool are stored.
at::ScalarType scalarType(const std::string &dtype);
const char *dtypeName(at::ScalarType t);

// Positional kernel attributes, as passed from the JS kernel wrappers.
class Attrs {
 public:
  explicit Attrs(Napi::Array a) : a_(a) {}
  size_t size() const { return a_.Length(); }
  double f(uint32_t i) const { return a_.Get(i).As<Napi::Number>().DoubleValue(); }
  int64_t i(uint32_t k) const { return a_.Get(k).As<Napi::Number>().Int64Value(); }
  bool b(uint32_t k) const { return a_.Get(k).ToBoolean().Value(); }
  std::string s(uint32_t k) const { return a_.Get(k).As<Napi::String>().Utf8Value(); }
  std::vector<int64_t> v(uint32_t k) const {
    Napi::Array arr = a_.Get(k).As<Napi::Array>();
    std::vector<int64_t> out(arr.Length());
    for (uint32_t j = 0; j < arr.Length(); j++) out[j] = arr.Get(j).As<Napi::Number>().Int64Value();
    return out;
  }

 private:
  Napi::Array a_;
};

using Kernel = std::function<Tensors(const Tensors &, const Attrs &)>;
using KernelMap = std::unordered_map<std::string, Kernel>;

void registerMath(KernelMap &m);
void registerShape(KernelMap &m);
void registerNN(KernelMap &m);

// Casts `t` to the tfjs dtype `name` (no-op when it already is).
inline at::Tensor castTo(const at::Tensor &t, const std::string &name) {
  at::ScalarType st = scalarType(name);
  return t.scalar_type() == st ? t : t.to(st);
}

}  // namespace tbt
