{
  "targets": [
    {
      "target_name": "torch_backend",
      "sources": [
        "binding/addon.cc",
        "binding/kernels_math.cc",
        "binding/kernels_shape.cc",
        "binding/kernels_nn.cc"
      ],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/libtorch.cjs include)"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "<!(node scripts/libtorch.cjs abi)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=gnu++17", "-fexceptions", "-frtti", "-O3", "-fno-math-errno", "-fopenmp", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": [
        "-L<!(node scripts/libtorch.cjs libdir)",
        "-Wl,-rpath,<!(node scripts/libtorch.cjs libdir)",
        "-Wl,--no-as-needed",
        "<!@(node scripts/libtorch.cjs libs)",
        "-Wl,--as-needed"
      ]
    }
  ]
}
