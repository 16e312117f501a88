using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// Loads libcollectives_fabric (native/) and hands out its function table once the table's ABI
/// version and struct sizes match this build. The one exported symbol is bound with
/// <c>LibraryImport</c>; a resolver looks beside Collectives.dll first (where the build ships the
/// library), then on the system's library path. Anything missing or mismatched becomes
/// <see cref="UnavailableReason"/>, never a crash: the RDMA transport then reports itself unavailable.
/// Only the RDMA transport may use this class (the architecture test keeps it so).
/// </summary>
internal static unsafe partial class FabricLibrary
{
    public const string LibraryName = "collectives_fabric";

    public const string FileName = "libcollectives_fabric.so";

    /// <summary>COLLECTIVES_FABRIC_ABI_VERSION of the header this binding was written against.</summary>
    public const uint AbiVersion = 1;

    private static readonly Lazy<LoadResult> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why loading failed, kept by the resolver so the reason names the real cause (a missing libfabric.so.1, say).</summary>
    private static string? _resolveFailure;

    static FabricLibrary() => NativeLibrary.SetDllImportResolver(typeof(FabricLibrary).Assembly, Resolve);

    /// <summary>Null when the library loaded and its ABI matches; otherwise what is wrong and what to do.</summary>
    public static string? UnavailableReason => Loaded.Value.Reason;

    /// <summary>The function table; only valid when <see cref="UnavailableReason"/> is null.</summary>
    public static FabricFunctionTable* Table => Loaded.Value.Reason is null
        ? (FabricFunctionTable*)Loaded.Value.Table
        : throw new InvalidOperationException("The RDMA shim is unavailable: " + Loaded.Value.Reason);

    /// <summary>Where the build puts the library: beside this assembly.</summary>
    public static string ExpectedPath => Path.Combine(AssemblyDirectory, FileName);

    private static string AssemblyDirectory
    {
        get
        {
            string location = typeof(FabricLibrary).Assembly.Location;
            return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location)!;
        }
    }

    [LibraryImport(LibraryName, EntryPoint = "collectives_fabric_get_v1")]
    private static partial FabricFunctionTable* GetVersion1();

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName)
        {
            return 0; // not ours: the runtime's default probing carries on
        }
        string besideAssembly = ExpectedPath;
        string? besideFailure = null;
        if (File.Exists(besideAssembly))
        {
            try
            {
                return NativeLibrary.Load(besideAssembly);
            }
            catch (DllNotFoundException e)
            {
                besideFailure = e.Message; // present but unloadable: usually libfabric.so.1 itself is missing
            }
        }
        try
        {
            return NativeLibrary.Load(FileName, assembly, searchPath);
        }
        catch (DllNotFoundException)
        {
            _resolveFailure = besideFailure ?? string.Create(CultureInfo.InvariantCulture,
                $"{FileName} is neither beside {AssemblyDirectory} nor on the library path");
            return 0;
        }
    }

    private static LoadResult Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new LoadResult(0, "the RDMA shim is built for Linux only");
        }
        FabricFunctionTable* table;
        try
        {
            table = GetVersion1();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            string cause = _resolveFailure ?? e.Message;
            return new LoadResult(0, $"{cause}. The build makes it when cmake and libfabric-dev are installed " +
                "(apt-get install cmake libfabric-dev), then ships it beside Collectives.dll");
        }
        if (table == null)
        {
            return new LoadResult(0, "collectives_fabric_get_v1() returned no table");
        }
        string? mismatch =
            table->Version != AbiVersion ? $"its ABI version is {table->Version}, this build speaks {AbiVersion}" :
            table->StructSize != sizeof(FabricFunctionTable) ? $"its function table has {table->StructSize} bytes, this build expects {sizeof(FabricFunctionTable)}" :
            table->DeviceSize != sizeof(FabricDeviceRecord) ? $"its device struct has {table->DeviceSize} bytes, this build expects {sizeof(FabricDeviceRecord)}" :
            table->MemoryInfoSize != sizeof(FabricMemoryInfo) ? $"its memory-info struct has {table->MemoryInfoSize} bytes, this build expects {sizeof(FabricMemoryInfo)}" :
            table->CompletionSize != sizeof(FabricCompletion) ? $"its completion struct has {table->CompletionSize} bytes, this build expects {sizeof(FabricCompletion)}" :
            null;
        return mismatch is null
            ? new LoadResult((nint)table, null)
            : new LoadResult(0, $"{FileName} does not match this build of Collectives: {mismatch}; rebuild both together");
    }

    private sealed record LoadResult(nint Table, string? Reason);
}
