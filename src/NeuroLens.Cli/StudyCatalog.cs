using NeuroLens.Cascade;
using NeuroLens.Core.Reproduction;
using NeuroLens.Emergence;
using NeuroLens.Entanglement;
using NeuroLens.Transfer;

namespace NeuroLens.Cli;

/// <summary>The four studies in report order, each with its reproduction once its library is built.</summary>
internal static class StudyCatalog
{
    public static IReadOnlyList<StudyEntry> All { get; } =
    [
        new("wasserstein", "Entanglement: Wasserstein neurons and Sparse Expansion",
            "Sawmya, Kong, Markov et al., \"Wasserstein Distances, Neuronal Entanglement, and Sparsity\" (2024)", new WassersteinReproduction(), 4),
        new("emergence", "Emergence: concepts across time, space and scale",
            "Sawmya, Adler, Shavit, \"The Birth of Knowledge: Emergent Features across Time, Space, and Scale in Large Language Models\" (2025)", new EmergenceReproduction(), 5),
        new("cascade", "Cascade: multi-resolution detectors for sparse objects",
            "Athey, Sawmya, Shavit, \"Cascade Detector Analysis and Application to Biomedical Microscopy\" (2025)", new CascadeReproduction(), 7),
        new("transfer", "Transfer: MMD source selection and source-free active learning",
            "Sawmya, Athey, Liu et al., \"NeuroADDA: Active Discriminative Domain Adaptation in Connectomics\" (2025)", new TransferReproduction(), 8),
    ];
}
