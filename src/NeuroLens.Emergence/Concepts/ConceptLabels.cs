namespace NeuroLens.Emergence.Concepts;

/// <summary>
/// Which token positions belong to which category: for position t the categories c with t ∈ T_c
/// (emergence.md §3), in compressed rows.
/// </summary>
public sealed class ConceptLabels
{
    private readonly int[] _offsets;
    private readonly int[] _categories;

    /// <summary>Builds labels from per-position category lists.</summary>
    public ConceptLabels(IReadOnlyList<string> categoryNames, IReadOnlyList<IReadOnlyList<int>> categoriesAtPosition)
    {
        CategoryNames = categoryNames;
        _offsets = new int[categoriesAtPosition.Count + 1];
        var all = new List<int>();
        for (int t = 0; t < categoriesAtPosition.Count; t++)
        {
            foreach (int c in categoriesAtPosition[t].Distinct())
            {
                if (c < 0 || c >= categoryNames.Count) throw new ArgumentOutOfRangeException(nameof(categoriesAtPosition), $"category {c} at position {t}");
                all.Add(c);
            }
            _offsets[t + 1] = all.Count;
        }
        _categories = [.. all];
        Counts = new int[categoryNames.Count];
        foreach (int c in _categories) Counts[c]++;
    }

    /// <summary>The category names.</summary>
    public IReadOnlyList<string> CategoryNames { get; }

    /// <summary>Number of positions.</summary>
    public int Positions => _offsets.Length - 1;

    /// <summary>|T_c| per category.</summary>
    public int[] Counts { get; }

    /// <summary>The categories of position <paramref name="t"/>.</summary>
    public ReadOnlySpan<int> At(int t) => _categories.AsSpan(_offsets[t], _offsets[t + 1] - _offsets[t]);

    /// <summary>The same labels with positions reordered: position t gets the categories of position <paramref name="permutation"/>[t].</summary>
    public ConceptLabels Permute(int[] permutation)
    {
        var lists = new IReadOnlyList<int>[Positions];
        for (int t = 0; t < Positions; t++) lists[t] = At(permutation[t]).ToArray();
        return new ConceptLabels(CategoryNames, lists);
    }
}
