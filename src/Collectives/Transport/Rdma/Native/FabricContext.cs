using System.Globalization;
using System.Text;

namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// One opened device (fabric + domain) of the shim and the lock every call on it takes. Failures
/// become <see cref="FabricException"/>s carrying the shim's error text, read under the same lock
/// right after the call that failed so no other call can overwrite it.
/// </summary>
internal sealed unsafe class FabricContext : IDisposable
{
    /// <summary>Room for the shim's error text (its own buffer is 512 bytes).</summary>
    private const int ErrorTextBytes = 512;

    private readonly FabricContextHandle _handle;

    private FabricContext(FabricContextHandle handle, FabricDevice device)
    {
        _handle = handle;
        Device = device;
    }

    /// <summary>The device init chose.</summary>
    public FabricDevice Device { get; }

    public FabricContextHandle Handle => _handle;

    /// <summary>The context's lock: hold it around every shim call on this context or what was opened from it.</summary>
    public object Gate => _handle.Gate;

    /// <summary>The devices <paramref name="provider"/> offers ("tcp", "shm", "verbs", "efa", "auto" or a libfabric name).</summary>
    public static IReadOnlyList<FabricDevice> ListDevices(string provider)
    {
        using FabricContextHandle handle = Create();
        lock (handle.Gate)
        {
            byte[] name = Utf8(provider);
            uint capacity = 8;
            while (true)
            {
                var records = new FabricDeviceRecord[capacity];
                uint count;
                int status;
                fixed (byte* namePointer = name)
                fixed (FabricDeviceRecord* output = records)
                {
                    status = FabricLibrary.Table->ListDevices(handle.DangerousGetHandle(), namePointer, output, capacity, &count);
                }
                if (status != 0)
                {
                    throw new FabricException(status, $"listing the devices of provider '{provider}'", LastError(handle));
                }
                if (count <= capacity)
                {
                    return records.Take((int)count).Select(record => record.ToDevice()).ToArray();
                }
                capacity = count;
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="provider"/>'s device named <paramref name="domain"/> (a domain such as
    /// "lo" or a fabric such as "10.0.0.0/24"; null takes the first). A post that keeps meeting a
    /// full queue gives up after <paramref name="postTimeout"/>.
    /// </summary>
    public static FabricContext Open(string provider, string? domain, TimeSpan postTimeout)
    {
        FabricContextHandle handle = Create();
        try
        {
            lock (handle.Gate)
            {
                byte[] providerName = Utf8(provider);
                byte[]? domainName = domain is null ? null : Utf8(domain);
                ulong timeout = (ulong)Math.Max(1, postTimeout.TotalMicroseconds);
                int status;
                fixed (byte* providerPointer = providerName)
                fixed (byte* domainPointer = domainName)
                {
                    status = FabricLibrary.Table->Init(handle.DangerousGetHandle(), providerPointer, domainPointer, timeout);
                }
                if (status != 0)
                {
                    throw new FabricException(status, string.Create(CultureInfo.InvariantCulture,
                        $"opening provider '{provider}'{(domain is null ? "" : $" on '{domain}'")}"), LastError(handle));
                }
                FabricDeviceRecord record;
                status = FabricLibrary.Table->GetDevice(handle.DangerousGetHandle(), &record);
                if (status != 0)
                {
                    throw new FabricException(status, "reading the opened device", LastError(handle));
                }
                return new FabricContext(handle, record.ToDevice());
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public FabricEndpoint OpenEndpoint()
    {
        var endpoint = new FabricEndpointHandle(_handle);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            nint value;
            int status = FabricLibrary.Table->EndpointOpen(_handle.DangerousGetHandle(), &value);
            if (status != 0)
            {
                endpoint.Abandon();
                throw Failure(status, "opening an endpoint");
            }
            endpoint.Adopt(value);
        }
        return new FabricEndpoint(this, endpoint);
    }

    /// <summary>The exception for a failed call; the caller holds <see cref="Gate"/>.</summary>
    public FabricException Failure(int status, string operation) => new(status, operation, LastError(_handle));

    /// <summary>The shim's text for the last failure on the context; the caller holds its gate.</summary>
    public string LastErrorText() => LastError(_handle);

    public void Dispose() => _handle.Dispose();

    private static FabricContextHandle Create()
    {
        var handle = new FabricContextHandle();
        nint value;
        int status = FabricLibrary.Table->Create(&value);
        if (status != 0)
        {
            handle.SetHandleAsInvalid();
            throw new FabricException(status, "creating a context", string.Create(CultureInfo.InvariantCulture,
                $"collectives_fabric create returned {status} (out of memory)"));
        }
        handle.Adopt(value);
        return handle;
    }

    private static string LastError(FabricContextHandle handle)
    {
        byte* text = stackalloc byte[ErrorTextBytes];
        int length = FabricLibrary.Table->LastError(handle.DangerousGetHandle(), text, ErrorTextBytes);
        int shown = Math.Clamp(length, 0, ErrorTextBytes - 1);
        return shown == 0 ? "(the shim gave no error text)" : Encoding.UTF8.GetString(text, shown);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
