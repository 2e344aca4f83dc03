using System.Text.Json;

namespace NeuroLens.Cli.Tests;

public class ConventionTests
{
    [Fact]
    public void UnknownOptionIsAUsageErrorOnOneLine()
    {
        var r = CliRunner.Run("info", "--no-such-option");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.ErrorLines);
        Assert.Contains("--no-such-option", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var r = CliRunner.Run("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.ErrorLines);
    }

    [Fact]
    public void BadDeviceIsAOneLineFailure()
    {
        var r = CliRunner.Run("info", "--device", "tpu");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("neurolens: --device tpu: expected cpu, cuda or cuda:N.", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public void InfoUnderJsonPrintsOnlyJson()
    {
        var r = CliRunner.Run("info", "--json", "--threads", "1");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal("cpu", root.GetProperty("device").GetString());
        Assert.StartsWith("0.107", root.GetProperty("torchsharp").GetString());
        Assert.StartsWith("2.10", root.GetProperty("libtorch").GetString());
        Assert.True(root.GetProperty("simd_width_bits").GetInt32() >= 128);
    }

    [Fact]
    public void InfoPrintsAHumanTable()
    {
        var r = CliRunner.Run("info");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("libtorch", r.Stdout);
        Assert.Contains("SIMD", r.Stdout);
    }

    [Fact]
    public void HelpExitsZero()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("reproduce", r.Stdout);
    }
}
