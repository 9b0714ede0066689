using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Bench.Runner;

/// <summary>
/// Refuses to measure a server whose own assemblies were compiled in Debug. A solution build leaves a project reference
/// that is not in the solution at its default configuration, so until 2026-12-07 every library under the Release
/// server (engine, stores, blocks) ran unoptimised: the JIT compiled them with MinOpts and never tiered them up.
/// </summary>
internal static class OptimisedBuild
{
    private const int DisableOptimizations = (int)DebuggableAttribute.DebuggingModes.DisableOptimizations;

    private static readonly ConcurrentDictionary<string, bool> Checked = new(StringComparer.Ordinal);

    public static void Check(string folder)
    {
        Checked.GetOrAdd(folder, f =>
        {
            var debug = Directory.EnumerateFiles(f, "Workflows.*.dll").Concat(Directory.EnumerateFiles(f, "Bench.*.dll"))
                .Where(JitOptimizerDisabled).Select(Path.GetFileName).ToList();
            if (debug.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{string.Join(", ", debug)} in {f} were built without optimisations; list their projects in bench/Bench.slnx and rebuild");
            }
            return true;
        });
    }

    private static bool JitOptimizerDisabled(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return false;
        }
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }
            var constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference ||
                reader.GetString(reader.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != nameof(DebuggableAttribute))
            {
                continue;
            }
            // DebuggableAttribute(DebuggingModes): prolog 0x0001, then the int32 modes.
            var blob = reader.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            return (blob.ReadInt32() & DisableOptimizations) != 0;
        }
        return false;
    }
}
