// The CNN tests use libtorch's thread pool and the forest tests ML.NET's; run side by side on a
// 2-core machine they oversubscribe it and the CNN test slows five-fold, so classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
