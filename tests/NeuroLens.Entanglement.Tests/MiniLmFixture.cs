using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

/// <summary>
/// The built-in MiniLM imported once per test run into a private cache, and the real inputs of some of
/// its FFN layers captured with forward hooks on a few hundred tokens of English text.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    private readonly TempFolder _cache = new();

    public MiniLmFixture()
    {
        Folder = ModelLocator.Resolve("minilm", _cache.Path);
        Model = BertCheckpoint.Load(Folder);
        Model.eval();
        Tokenizer = WordPieceTokenizer.FromFolder(Folder, Model.Config.MaxPositionEmbeddings);
        using var batch = Tokenizer.EncodeBatch(Texts);
        var captured = new Dictionary<string, List<Tensor>>();
        var removers = new List<Action>();
        using var realTokens = batch.AttentionMask.flatten().nonzero().squeeze(1);
        foreach (var name in CapturedLayers)
        {
            var linear = Model.GetLinear(name);
            captured[name] = [];
            var hook = linear.register_forward_hook((m, input, output) =>
            {
                var flat = input.reshape(-1, input.shape[^1]).index_select(0, realTokens);
                captured[name].Add(flat.detach().clone().DetachFromDisposeScope());
                return null!;
            });
            removers.Add(() => hook.remove());
        }
        using (no_grad())
        using (var _ = Model.Forward(batch.InputIds, batch.AttentionMask)) { }
        foreach (var remove in removers) remove();
        Inputs = captured.ToDictionary(kv => kv.Key, kv => kv.Value.Single());
    }

    public static readonly string[] CapturedLayers =
    [
        "encoder.layer.0.intermediate.dense", "encoder.layer.3.intermediate.dense", "encoder.layer.5.output.dense",
    ];

    public string Folder { get; }

    public BertModel Model { get; }

    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Captured inputs (tokens × d_in, float32) of <see cref="CapturedLayers"/>, padding removed.</summary>
    public IReadOnlyDictionary<string, Tensor> Inputs { get; }

    public void Dispose()
    {
        foreach (var t in Inputs.Values) t.Dispose();
        Model.Dispose();
        _cache.Dispose();
    }

    public static readonly string[] Texts =
    [
        "The river flooded the valley after three days of heavy rain, and the farmers moved their animals to higher ground.",
        "A small bakery on the corner sells fresh bread every morning before the market opens.",
        "Researchers measured the temperature of the lake at different depths during the summer months.",
        "The orchestra rehearsed the symphony for weeks before the opening night at the concert hall.",
        "She repaired the old bicycle with spare parts she found in her grandfather's garage.",
        "Migratory birds travel thousands of kilometres each autumn to reach warmer regions in the south.",
        "The committee approved the new budget after a long debate about public transport and schools.",
        "Volcanic eruptions can cool the climate for several years by releasing ash into the upper atmosphere.",
        "He learned to cook by watching his mother prepare soup, rice and vegetables for the whole family.",
        "The museum opened a new exhibition about ancient trade routes between Asia and Europe.",
        "Engineers tested the bridge with heavy trucks to make sure it could carry the expected traffic.",
        "A sudden storm forced the sailors to return to the harbour earlier than planned.",
        "The library extended its opening hours so that students could prepare for their examinations.",
        "Coffee plants grow best in tropical highlands with steady rainfall and mild temperatures.",
        "The detective noticed a muddy footprint near the window and a broken lock on the back door.",
        "Solar panels on the roof now provide most of the electricity the school needs during the day.",
        "The children built a tall sandcastle on the beach and decorated it with shells and seaweed.",
        "Doctors recommend regular exercise, enough sleep and a balanced diet for a healthy heart.",
        "The ancient city was abandoned after its wells dried up during a long period of drought.",
        "Our neighbours adopted a shy grey cat from the animal shelter last spring.",
        "The company released a software update that fixes several security problems in the browser.",
        "Wind turbines along the coast turn slowly on calm days and quickly during winter storms.",
        "The poet read her new collection aloud to a quiet audience in the university theatre.",
        "Farmers rotate their crops to keep the soil fertile and to reduce the spread of pests.",
        "The train was delayed by snow on the tracks, so the passengers waited in the station cafe.",
        "Astronomers discovered a faint planet orbiting a red dwarf star about forty light years away.",
        "The village celebrates the harvest every October with music, dancing and a long shared meal.",
        "A team of volunteers cleaned the park and planted two hundred young trees along the paths.",
        "The mathematician proved that the sequence converges for every positive starting value.",
        "Strong currents make swimming dangerous near the rocks at the northern end of the bay.",
        "The translator worked through the night to finish the contract before the morning meeting.",
        "Glaciers in the mountains have retreated by hundreds of metres over the last century.",
        "He forgot his umbrella on the bus and arrived at the office completely soaked.",
        "The new hospital wing has more beds, brighter rooms and a garden for recovering patients.",
        "Bees collect nectar from many flowers and turn it into honey inside the hive.",
        "The football match ended in a draw after both teams scored in the final ten minutes.",
        "Historians disagree about the causes of the war and the role of the young king.",
        "The recipe calls for two eggs, a cup of flour, some butter and a pinch of salt.",
        "During the blackout the whole street gathered around candles and told stories until midnight.",
        "The satellite sends images of the clouds every fifteen minutes to the weather service.",
    ];
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
