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

    [Fact]
    public void PngSliceFoldersGiveTheSameDomainAsATiffStack()
    {
        string folder = Directory.CreateTempSubdirectory("transfer-slices").FullName;
        try
        {
            var image = new Volume<byte>(3, 32, 64);
            var labels = new Volume<ushort>(3, 32, 64);
            for (int i = 0; i < image.Data.Length; i++) { image.Data[i] = (byte)(i * 7 % 251); labels.Data[i] = (ushort)(i / 100 + 1); }
            VolumeFile.Write(Path.Combine(folder, "image.tif"), image);
            VolumeFile.Write(Path.Combine(folder, "labels.tif"), labels);
            Directory.CreateDirectory(Path.Combine(folder, "image"));
            Directory.CreateDirectory(Path.Combine(folder, "labels"));
            // Named so that ordinal order (s1, s10, s9) differs from natural order (s1, s9, s10).
            foreach (var (z, file) in new[] { (0, "s1.png"), (1, "s9.png"), (2, "s10.png") })
            {
                VolumeFile.Write(Path.Combine(folder, "image", file), new Volume<byte>(image.Crop(new Box(z, 0, 0, 1, 32, 64)).Data, 1, 32, 64, 1, 2));
                VolumeFile.Write(Path.Combine(folder, "labels", file), new Volume<ushort>(labels.Crop(new Box(z, 0, 0, 1, 32, 64)).Data, 1, 32, 64, 1, 2));
            }
            var sizes = new DomainSizes { PatchSize = 32, Train = 3, Validation = 2, Test = 1 };
            var fromStack = TransferDomain.Load($"{folder}/image.tif,{folder}/labels.tif", sizes, seed: 2);
            var fromSlices = TransferDomain.Load($"{folder}/image,{folder}/labels", sizes, seed: 2);
            var stackPatches = fromStack.Train.Concat(fromStack.Validation).Concat(fromStack.Test).ToList();
            var slicePatches = fromSlices.Train.Concat(fromSlices.Validation).Concat(fromSlices.Test).ToList();
            Assert.Equal(stackPatches.Count, slicePatches.Count);
            for (int i = 0; i < stackPatches.Count; i++)
            {
                Assert.Equal(stackPatches[i].Image.Data, slicePatches[i].Image.Data);
                Assert.Equal(stackPatches[i].Labels.Data, slicePatches[i].Labels.Data);
            }
        }
        finally { Directory.Delete(folder, true); }
    }
}
