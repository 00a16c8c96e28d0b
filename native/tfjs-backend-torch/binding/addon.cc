// Module entry: the tensor store (id -> at::Tensor) and the N-API functions the JS backend calls.
// Data ids are small integers owned here; JS keeps its own reference counts and calls dispose()
// when the last reference goes. Kernels are looked up by tfjs kernel name in one registry.
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <csignal>
#include <cstring>
#include <dlfcn.h>
#include <pthread.h>
#include <unordered_set>

#include "common.h"

namespace tbt {

static at::Device g_device = at::kCPU;
// A stored entry is a tensor, or a context: the tensors a fused layer's forward kernel keeps for
// its gradient kernel, held under one id (its tensor is an int32 scalar, the count). tfjs then
// saves one tensor per layer for the backward pass instead of a dozen, each of which costs it an
// Identity kernel and a tape node. A context passed to a kernel stands for its tensors, in order.
struct Entry {
  at::Tensor t;
  Tensors context;
};
static std::unordered_map<int64_t, Entry> g_store;
static int64_t g_next_id = 1;
static KernelMap g_kernels;

at::Device device() { return g_device; }
at::TensorOptions opts(at::ScalarType t) { return at::TensorOptions().dtype(t).device(g_device); }

at::ScalarType scalarType(const std::string &d) {
  if (d == "float32") return at::kFloat;
  if (d == "int32") return at::kInt;
  if (d == "bool") return at::kBool;
  throw std::runtime_error("tfjs-backend-torch: unsupported dtype " + d);
}

const char *dtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    default: return "unsupported";
  }
}

// Asynchronous signals wait until a call into ATen returns. Debian's libtorch 1.13 with oneDNN
// 2.6 on AVX-512 corrupts its heap when a signal lands inside a oneDNN convolution ("corrupted
// size vs. prev_size" a few steps into a tiny Text2Mel step under node --cpu-prof, whose sampler
// sends SIGPROF; PyTorch itself aborts the same way under a 0.5 ms ITIMER_PROF; not with
// ONEDNN_MAX_CPU_ISA=AVX2), and a Ctrl-C reaching a training step mid-convolution risks the same.
// Every call that runs ATen code (kernels, writes, reads) blocks them, so they reach the JS
// thread between calls; the OpenMP workers, created inside the first such call, inherit the
// blocked mask, so process-directed signals go to node's own threads instead. Faults (SEGV, BUS,
// FPE, ILL, TRAP, SYS, ABRT) stay unblocked. Cost: two rt_sigprocmask calls per kernel.
class SignalsDeferred {
 public:
  SignalsDeferred() { pthread_sigmask(SIG_BLOCK, &asyncSignals(), &old_); }
  ~SignalsDeferred() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  static const sigset_t &asyncSignals() {
    static const sigset_t set = [] {
      sigset_t s;
      sigfillset(&s);
      for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&s, sig);
      return s;
    }();
    return set;
  }
  sigset_t old_;
};

// Stored tensors are always contiguous and of a tfjs dtype; normalise kernel outputs here.
static at::Tensor normalise(at::Tensor t) {
  switch (t.scalar_type()) {
    case at::kFloat: case at::kInt: case at::kBool: break;
    case at::kDouble: case at::kHalf: case at::kBFloat16: t = t.to(at::kFloat); break;
    default: t = t.to(at::kInt); break;  // int64 results (argmax, topk indices, ...)
  }
  return t.contiguous();
}

static int64_t put(at::Tensor t) {
  int64_t id = g_next_id++;
  g_store.emplace(id, Entry{normalise(std::move(t)), {}});
  return id;
}

static const Entry &entry(int64_t id) {
  auto it = g_store.find(id);
  if (it == g_store.end()) throw std::runtime_error("tfjs-backend-torch: unknown data id " + std::to_string(id));
  return it->second;
}

static const at::Tensor &get(int64_t id) { return entry(id).t; }

static int64_t putContext(Tensors ts) {
  int64_t id = g_next_id++;
  at::Tensor count = at::scalar_tensor(static_cast<int64_t>(ts.size()), at::TensorOptions().dtype(at::kInt));
  g_store.emplace(id, Entry{std::move(count), std::move(ts)});
  return id;
}

// at::set_num_threads bounds ATen's OpenMP pool but not OpenBLAS's own pthreads pool (Debian's
// libtorch calls OpenBLAS for matmuls and single-threaded convolutions). Both pools busy-wait
// between calls, so with n threads each there are 2n-2 spinning workers on n cores: with 1 thread
// an OpenBLAS worker took ~40% of the other core from the side-by-side step (gdb, demo's SSRN);
// with 2 a tiny Text2Mel step ran at 9-11 steps/s with a p90 step of 170-220 ms, against 17-20
// and 62-75 ms with OpenBLAS on one thread (2 cores, fresh processes). OpenBLAS therefore always
// runs on the calling thread: above one thread libtorch sends convolutions to oneDNN, which
// shares the OpenMP pool, and ATen parallelises batched matmuls over the batch itself.
// libtorch's dependencies are not in the global scope (node loads addons RTLD_LOCAL): the
// already-loaded library is looked up by name. nullptr when libtorch uses another BLAS.
static void *openblasSymbol(const char *name) {
  void *blas = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_NOLOAD);
  if (!blas) return nullptr;
  void *f = dlsym(blas, name);
  dlclose(blas);  // only drops the reference dlopen just added; the library stays loaded
  return f;
}

static void setThreads(int n) {
  at::set_num_threads(n);
  if (auto f = reinterpret_cast<void (*)(int)>(openblasSymbol("openblas_set_num_threads"))) f(1);
}

// blasThreads() -> OpenBLAS's thread count, or -1 when libtorch does not use OpenBLAS.
static Napi::Value BlasThreads(const Napi::CallbackInfo &info) {
  auto f = reinterpret_cast<int (*)()>(openblasSymbol("openblas_get_num_threads"));
  return Napi::Number::New(info.Env(), f ? f() : -1);
}

static Napi::Value Init(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dev = info[0].As<Napi::String>().Utf8Value();
  int threads = info[1].As<Napi::Number>().Int32Value();
  if (threads > 0) setThreads(threads);
  bool cuda = torch::cuda::is_available();
  if (dev == "cuda" && !cuda) throw Napi::Error::New(env, "tfjs-backend-torch: CUDA requested but not available in the linked libtorch");
  g_device = (dev == "cpu" || !cuda) ? at::Device(at::kCPU) : at::Device(at::kCUDA, 0);
  Napi::Object out = Napi::Object::New(env);
  out.Set("device", g_device.is_cuda() ? "cuda" : "cpu");
  out.Set("threads", at::get_num_threads());
  out.Set("cudaAvailable", cuda);
  return out;
}

static Napi::Value SetThreads(const Napi::CallbackInfo &info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n > 0) setThreads(n);
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// write(values: TypedArray, shape: number[], dtype) -> id. Copies the values.
static Napi::Value Write(const Napi::CallbackInfo &info) {
  SignalsDeferred deferred;
  Napi::Env env = info.Env();
  Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
  Napi::Array shapeArr = info[1].As<Napi::Array>();
  std::string dtype = info[2].As<Napi::String>().Utf8Value();
  std::vector<int64_t> shape(shapeArr.Length());
  int64_t n = 1;
  for (uint32_t i = 0; i < shape.size(); i++) n *= (shape[i] = shapeArr.Get(i).As<Napi::Number>().Int64Value());
  at::ScalarType st = scalarType(dtype);
  // bool arrives as Uint8Array (0/1); int32 as Int32Array; float32 as Float32Array.
  at::ScalarType src = st == at::kBool ? at::kByte : st;
  size_t elem = at::elementSize(src);
  if (arr.ByteLength() != static_cast<size_t>(n) * elem)
    throw Napi::Error::New(env, "tfjs-backend-torch: write size mismatch for " + dtype);
  at::Tensor cpu = at::empty(shape, at::TensorOptions().dtype(src));
  if (n > 0) std::memcpy(cpu.data_ptr(), static_cast<uint8_t *>(arr.ArrayBuffer().Data()) + arr.ByteOffset(), n * elem);
  if (st == at::kBool) cpu = cpu.ne(0);
  return Napi::Number::New(env, static_cast<double>(put(cpu.to(g_device))));
}

// read(id) -> Float32Array | Int32Array | Uint8Array (bool), copied back from the device.
static Napi::Value Read(const Napi::CallbackInfo &info) {
  SignalsDeferred deferred;
  Napi::Env env = info.Env();
  at::Tensor t = get(info[0].As<Napi::Number>().Int64Value()).to(at::kCPU).contiguous();
  if (t.scalar_type() == at::kBool) t = t.to(at::kByte);
  size_t bytes = t.numel() * t.element_size();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  switch (t.scalar_type()) {
    case at::kFloat: return Napi::Float32Array::New(env, t.numel(), buf, 0);
    case at::kInt: return Napi::Int32Array::New(env, t.numel(), buf, 0);
    default: return Napi::Uint8Array::New(env, t.numel(), buf, 0);
  }
}

static Napi::Value Dispose(const Napi::CallbackInfo &info) {
  g_store.erase(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

// memory() -> { count, bytes }: bytes counts each distinct storage once (reshapes share storage).
static Napi::Value Memory(const Napi::CallbackInfo &info) {
  std::unordered_set<const void *> seen;
  double bytes = 0;
  auto count = [&](const at::Tensor &t) {
    const auto &st = t.storage();
    if (st && seen.insert(st.data()).second) bytes += static_cast<double>(st.nbytes());
  };
  for (auto &kv : g_store) {
    count(kv.second.t);
    for (const at::Tensor &t : kv.second.context) count(t);
  }
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("count", static_cast<double>(g_store.size()));
  out.Set("bytes", bytes);
  return out;
}

static Napi::Value Shape(const Napi::CallbackInfo &info) {
  const at::Tensor &t = get(info[0].As<Napi::Number>().Int64Value());
  Napi::Array s = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) s.Set(static_cast<uint32_t>(i), static_cast<double>(t.size(i)));
  return s;
}

static Napi::Value Has(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), g_kernels.count(info[0].As<Napi::String>().Utf8Value()) > 0);
}

// run(kernelName, inputIds: number[], attrs: any[][, plain: number, context: number[]])
//   -> [id, dtype, shape, id, dtype, shape, ...]
// A context id among the inputs stands for its tensors. With `plain` and `context`, the result is
// the first `plain` outputs and then one context entry holding, in order, the items `context`
// names: k >= 0 is output k, k < 0 is input -1-k (the caller's own inputs, kept without a copy).
static Napi::Value Run(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  auto it = g_kernels.find(name);
  if (it == g_kernels.end()) throw Napi::Error::New(env, "tfjs-backend-torch: no native kernel " + name);
  Napi::Array ids = info[1].As<Napi::Array>();
  Tensors in;
  in.reserve(ids.Length());
  for (uint32_t i = 0; i < ids.Length(); i++) {
    const Entry &e = entry(ids.Get(i).As<Napi::Number>().Int64Value());
    if (e.context.empty()) in.push_back(e.t);
    else in.insert(in.end(), e.context.begin(), e.context.end());
  }
  Tensors outs;
  try {
    SignalsDeferred deferred;
    outs = it->second(in, Attrs(info[2].As<Napi::Array>()));
  } catch (const c10::Error &e) {
    throw Napi::Error::New(env, "tfjs-backend-torch: " + name + ": " + e.what_without_backtrace());
  } catch (const std::exception &e) {
    throw Napi::Error::New(env, "tfjs-backend-torch: " + name + ": " + e.what());
  }
  std::vector<int64_t> outIds;
  if (info.Length() > 4) {
    size_t plain = info[3].As<Napi::Number>().Uint32Value();
    Napi::Array items = info[4].As<Napi::Array>();
    Tensors context;
    for (uint32_t j = 0; j < items.Length(); j++) {
      int64_t k = items.Get(j).As<Napi::Number>().Int64Value();
      size_t at = static_cast<size_t>(k < 0 ? -1 - k : k);
      if (at >= (k < 0 ? in.size() : outs.size())) throw Napi::Error::New(env, "tfjs-backend-torch: " + name + ": context item out of range");
      context.push_back(k < 0 ? in[at] : normalise(outs[at]));
    }
    for (size_t k = 0; k < plain && k < outs.size(); k++) outIds.push_back(put(outs[k]));
    outIds.push_back(putContext(std::move(context)));
  } else {
    for (const at::Tensor &t : outs) outIds.push_back(put(t));
  }
  Napi::Array res = Napi::Array::New(env, outIds.size() * 3);
  for (size_t k = 0; k < outIds.size(); k++) {
    const at::Tensor &t = g_store.at(outIds[k]).t;
    Napi::Array s = Napi::Array::New(env, t.dim());
    for (int64_t i = 0; i < t.dim(); i++) s.Set(static_cast<uint32_t>(i), static_cast<double>(t.size(i)));
    res.Set(static_cast<uint32_t>(3 * k), static_cast<double>(outIds[k]));
    res.Set(static_cast<uint32_t>(3 * k + 1), dtypeName(t.scalar_type()));
    res.Set(static_cast<uint32_t>(3 * k + 2), s);
  }
  return res;
}

static Napi::Object Module(Napi::Env env, Napi::Object exports) {
  registerMath(g_kernels);
  registerShape(g_kernels);
  registerNN(g_kernels);
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("blasThreads", Napi::Function::New(env, BlasThreads));
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("dispose", Napi::Function::New(env, Dispose));
  exports.Set("memory", Napi::Function::New(env, Memory));
  exports.Set("shape", Napi::Function::New(env, Shape));
  exports.Set("has", Napi::Function::New(env, Has));
  exports.Set("run", Napi::Function::New(env, Run));
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
  for (auto &kv : g_kernels) names.Set(i++, kv.first);
  exports.Set("kernels", names);
  return exports;
}

}  // namespace tbt

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return tbt::Module(env, exports); }

NODE_API_MODULE(torch_backend, InitModule)
