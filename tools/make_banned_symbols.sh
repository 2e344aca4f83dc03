#!/bin/sh
# Regenerates build/BannedSymbols.txt from the TorchSharp assembly in the NuGet cache (after a TorchSharp upgrade).
set -e
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"TorchSharp-cpu" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
dotnet run -c Release --project tools/torchsharp-implicit-scalars -- \
    "${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp/$version/lib/net8.0/TorchSharp.dll" > build/BannedSymbols.txt
