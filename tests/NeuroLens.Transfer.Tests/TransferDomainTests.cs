using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Transfer.Tests;

public sealed class TransferDomainTests
{
    [Fact]
    public void SyntheticDomainsHaveTheAskedSplitsAndDistinctSections()
    {
        var domain = TransferDomain.Load("synthetic:fly-sstem", new DomainSizes { PatchSize = 32, Train = 3, Validation = 2, Test = 2 }, seed: 4);
        Assert.Equal("fly-sstem", domain.Name);
        Assert.Equal((3, 2, 2), (domain.Train.Count, domain.Validation.Count, domain.Test.Count));
        var all = domain.Train.Concat(domain.Validation).Concat(domain.Test).ToList();
        Assert.All(all, p => Assert.Equal([32, 32], p.Image.Shape));
        Assert.Equal(all.Count, all.Select(p => string.Join(',', p.Image.Data.Take(64))).Distinct().Count());
        Assert.NotNull(domain.Preset);
    }

    [Fact]
    public void FileDomainsAreCutIntoLabelledPatchesOfEachSection()
    {
        string folder = Directory.CreateTempSubdirectory("transfer-domain").FullName;
        try
        {
            var image = new Volume<byte>(2, 40, 100);
            var labels = new Volume<uint>(2, 40, 100);
            for (int i = 0; i < image.Data.Length; i++) { image.Data[i] = (byte)(i % 251); labels.Data[i] = (uint)(i / 300 + 1); }
            for (int x = 0; x < 100; x++) for (int y = 0; y < 40; y++) labels[1, y, x] = x < 32 ? 0u : labels[1, y, x]; // section 1, left patch unlabelled
            string imagePath = Path.Combine(folder, "image.tif"), labelPath = Path.Combine(folder, "labels.tif");
            VolumeFile.Write(imagePath, image);
            VolumeFile.Write(labelPath, labels);
            // 3 patches of 32² per section (x 0, 32, 64), one of them unlabelled: 5 patches, 2 left for training.
            var domain = TransferDomain.Load($"{imagePath},{labelPath}", new DomainSizes { PatchSize = 32, Train = 5, Validation = 2, Test = 1 }, seed: 0);
            Assert.Equal("image", domain.Name);
            Assert.Equal((2, 2, 1), (domain.Train.Count, domain.Validation.Count, domain.Test.Count));
            Assert.All(domain.Train, p => Assert.Equal([32, 32], p.Image.Shape));
            Assert.Throws<Core.NeuroLensException>(() => TransferDomain.Load($"{imagePath},{labelPath}", new DomainSizes { PatchSize = 32, Validation = 4, Test = 1 }, 0));
        }
        finally { Directory.Delete(folder, true); }
    }
}
