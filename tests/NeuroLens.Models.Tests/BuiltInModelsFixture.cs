using NeuroLens.Models.BuiltIn;

namespace NeuroLens.Models.Tests;

/// <summary>
/// Imports the two built-in models once per test run into a private cache folder, so the tests never
/// depend on (or write to) the user's cache.
/// </summary>
public sealed class BuiltInModelsFixture : IDisposable
{
    private readonly TempFolder _cache = new();

    public string CacheRoot => _cache.Path;

    public string Folder(string id) => ModelLocator.Resolve(id, CacheRoot);

    public void Dispose() => _cache.Dispose();
}

[CollectionDefinition(Name)]
public sealed class BuiltInModelsCollection : ICollectionFixture<BuiltInModelsFixture>
{
    public const string Name = "built-in models";
}
