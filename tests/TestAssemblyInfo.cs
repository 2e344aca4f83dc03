// Shared by every test project (tests/Directory.Build.props).
//
// Test classes of one assembly run one after another, not in parallel. TorchSharp 0.107 leaves the Scalar
// behind an implicit number conversion (t / 0.5, and inside its own optimizers) to the finalizer, and
// nothing keeps it alive during the native call: when another thread's allocations trigger a GC in that
// window, libtorch reads a freed Scalar ("Unknown scalar type", "Expected false to be true" at Scalar.h).
// A stress test reproduces it within ~10k operations with one allocating thread beside; with a single
// managed thread doing the work the window cannot be hit. See docs/models.md (TorchSharp Scalars).
// (Sequential classes also keep libtorch's and ML.NET's thread pools from oversubscribing 2 cores.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
