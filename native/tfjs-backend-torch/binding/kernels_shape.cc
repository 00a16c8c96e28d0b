// Layout kernels: reshape, transpose, slicing, concatenation, padding, gathers, creation.
// The JS wrappers resolve tfjs conventions (negative axes, -1 in shapes, strided-slice masks)
// so that these kernels receive plain, normalised numbers.
#include "common.h"

namespace tbt {

void registerShape(KernelMap &m) {
  // Reshape(shape): a view of the (contiguous) input; the store keeps storage alive while shared.
  m["Reshape"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {in[0].reshape(a.v(0))}; };
  m["Identity"] = [](const Tensors &in, const Attrs &) -> Tensors { return {in[0].clone()}; };
  m["Transpose"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {in[0].permute(a.v(0)).contiguous()}; };
  // Slice(begin, size), both fully resolved.
  m["Slice"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor x = in[0];
    auto b = a.v(0), sz = a.v(1);
    for (size_t d = 0; d < b.size(); d++) x = x.narrow(static_cast<int64_t>(d), b[d], sz[d]);
    return {x.contiguous()};
  };
  // StridedSlice(starts, counts, steps>0, flipDims, finalShape): the JS side turns tfjs's
  // begin/end/strides/masks into per-dimension (start, count, positive step) on a tensor whose
  // negative-stride dimensions have been flipped first.
  m["StridedSlice"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor x = in[0];
    auto flips = a.v(3);
    if (!flips.empty()) x = x.flip(flips);
    auto st = a.v(0), cnt = a.v(1), step = a.v(2);
    for (size_t d = 0; d < st.size(); d++) {
      int64_t dd = static_cast<int64_t>(d);
      if (cnt[d] == 0) x = x.narrow(dd, 0, 0);
      else x = x.slice(dd, st[d], st[d] + (cnt[d] - 1) * step[d] + 1, step[d]);
    }
    return {x.contiguous().reshape(a.v(4))};
  };
  m["Concat"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {at::cat(in, a.i(0))}; };
  m["Pack"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {at::stack(in, a.i(0))}; };
  m["Unpack"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    Tensors outs = at::unbind(in[0], a.i(0));
    for (auto &t : outs) t = t.contiguous();
    return outs;
  };
  m["SplitV"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    Tensors outs = at::split_with_sizes(in[0], a.v(0), a.i(1));
    for (auto &t : outs) t = t.contiguous();
    return outs;
  };
  // PadV2(paddings flattened [lo0, hi0, lo1, hi1, ...], value). ATen lists pads last dim first.
  m["PadV2"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    auto p = a.v(0);
    std::vector<int64_t> tp;
    for (int64_t d = static_cast<int64_t>(p.size() / 2) - 1; d >= 0; d--) { tp.push_back(p[2 * d]); tp.push_back(p[2 * d + 1]); }
    return {at::constant_pad_nd(in[0], tp, a.f(1))};
  };
  m["Tile"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {in[0].repeat(a.v(0))}; };
  m["Reverse"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    auto d = a.v(0);
    return {d.empty() ? in[0].clone() : in[0].flip(d)};
  };
  m["BroadcastTo"] = [](const Tensors &in, const Attrs &a) -> Tensors { return {in[0].expand(a.v(0)).contiguous()}; };
  // Fill(shape, value, dtype)
  m["Fill"] = [](const Tensors &, const Attrs &a) -> Tensors { return {at::full(a.v(0), a.f(1), opts(scalarType(a.s(2))))}; };
  m["ZerosLike"] = [](const Tensors &in, const Attrs &) -> Tensors { return {at::zeros_like(in[0])}; };
  m["OnesLike"] = [](const Tensors &in, const Attrs &) -> Tensors { return {at::ones_like(in[0])}; };
  // OneHot(depth, onValue, offValue, dtype): indices outside [0, depth) give all-off rows.
  m["OneHot"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    int64_t depth = a.i(0);
    at::Tensor hit = in[0].to(at::kLong).unsqueeze(-1).eq(at::arange(depth, opts(at::kLong)));
    at::ScalarType st = scalarType(a.s(3));
    return {at::where(hit, at::full({}, a.f(1), opts(st)), at::full({}, a.f(2), opts(st)))};
  };
  // GatherV2(x, indices; axis) with batchDims 0: out shape x[:axis] + indices.shape + x[axis+1:].
  m["GatherV2"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    int64_t axis = a.i(0);
    const at::Tensor &x = in[0];
    at::Tensor idx = in[1].to(at::kLong);
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
    for (int64_t s : idx.sizes()) shape.push_back(s);
    for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
    return {at::index_select(x, axis, idx.reshape({-1})).reshape(shape)};
  };
  // UnsortedSegmentSum(x, segmentIds; numSegments): sums rows of x into numSegments buckets.
  // segmentIds has the shape of x's leading dims; ids outside [0, numSegments) are dropped.
  m["UnsortedSegmentSum"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    int64_t n = a.i(0);
    const at::Tensor &x = in[0];
    at::Tensor ids = in[1].to(at::kLong).reshape({-1});
    int64_t lead = in[1].dim();
    std::vector<int64_t> rest(x.sizes().begin() + lead, x.sizes().end());
    std::vector<int64_t> flat{ids.size(0)};
    flat.insert(flat.end(), rest.begin(), rest.end());
    at::Tensor xs = x.reshape(flat);
    at::Tensor keep = (ids >= 0).logical_and(ids < n);
    std::vector<int64_t> out{n};
    out.insert(out.end(), rest.begin(), rest.end());
    at::Tensor r = at::zeros(out, x.options());
    at::Tensor kidx = keep.nonzero().reshape({-1});
    return {r.index_add(0, ids.index_select(0, kidx), xs.index_select(0, kidx))};
  };
  // Select(cond, t, e): cond either broadcasts or (rank 1) picks along the first dimension.
  m["Select"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    at::Tensor c = in[0];
    if (c.dim() == 1 && in[1].dim() > 1) {
      std::vector<int64_t> s(in[1].dim(), 1);
      s[0] = c.size(0);
      c = c.reshape(s);
    }
    std::string d = a.s(0);
    return {at::where(c.to(at::kBool), castTo(in[1], d), castTo(in[2], d))};
  };
  // TopK(k, sorted) along the last dim: values and int32 indices.
  m["TopK"] = [](const Tensors &in, const Attrs &a) -> Tensors {
    auto r = at::topk(in[0], a.i(0), -1, true, true);
    return {std::get<0>(r), std::get<1>(r)};
  };
}

}  // namespace tbt
