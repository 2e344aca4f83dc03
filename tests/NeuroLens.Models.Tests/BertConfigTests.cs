using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Bert;

namespace NeuroLens.Models.Tests;

public sealed class BertConfigTests
{
    private static BertConfig Parse(string json) => BertConfig.FromJson((JsonObject)JsonNode.Parse(json)!, "config.json");

    [Fact]
    public void ReadsTheFieldsOfATransformersConfig()
    {
        var c = Parse("""{"model_type":"bert","vocab_size":30522,"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,"intermediate_size":1536,"max_position_embeddings":512,"type_vocab_size":2,"layer_norm_eps":1e-12,"hidden_act":"gelu"}""");
        Assert.Equal(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu"), c);
        Assert.Equal(32, c.HeadSize);
    }

    [Fact]
    public void AcceptsOlderFieldNamesAndDefaults()
    {
        var c = Parse("""{"architectures":["BertForMaskedLM"],"vocab_size":100,"n_embd":16,"n_layer":3,"n_head":4,"n_inner":64,"n_positions":32,"layer_norm_epsilon":1e-5,"activation_function":"relu"}""");
        Assert.Equal(new BertConfig(100, 16, 3, 4, 64, 32, 2, 1e-5, "relu"), c);
    }

    [Fact]
    public void RoundTripsThroughItsJson() =>
        Assert.Equal(new BertConfig(50, 8, 1, 2, 12, 16), BertConfig.FromJson(new BertConfig(50, 8, 1, 2, 12, 16).ToJson(), "x"));

    [Theory]
    [InlineData("""{"model_type":"gpt2","vocab_size":1,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8}""", "model_type 'gpt2'")]
    [InlineData("""{"vocab_size":1,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8}""", "model_type is missing")]
    [InlineData("""{"model_type":"bert","vocab_size":1,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8,"hidden_act":"swish"}""", "hidden_act 'swish'")]
    [InlineData("""{"model_type":"bert","vocab_size":1,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8,"position_embedding_type":"relative_key"}""", "position_embedding_type")]
    [InlineData("""{"model_type":"bert","vocab_size":1,"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":3,"intermediate_size":4,"max_position_embeddings":8}""", "not a multiple")]
    [InlineData("""{"model_type":"bert","vocab_size":1,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8}""", "hidden_size is missing")]
    [InlineData("""{"model_type":"bert","vocab_size":"many","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":8}""", "vocab_size must be an integer")]
    public void RefusesWhatItCannotComputeNamingTheField(string json, string expected)
    {
        var e = Assert.Throws<NeuroLensException>(() => Parse(json));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("config.json: ", e.Message);
    }
}
