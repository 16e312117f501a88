using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Collectives.Security;

/// <summary>
/// What every rank of a job shares: the job id and the key derived from the secret. Without a
/// secret the key derives from the job id alone: strangers, garbage and other jobs are still
/// turned away, but anyone who knows the job id could pass, so such a job says so in its log.
/// </summary>
public sealed class JobCredentials
{
    private JobCredentials(string jobId, byte[] key, bool authenticated)
    {
        JobId = jobId;
        Key = key;
        IsAuthenticated = authenticated;
        // Little-endian explicitly: every rank must derive the same hash whatever its byte order.
        JobHash = BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes("collectives-job|" + jobId)));
    }

    public string JobId { get; }

    /// <summary>True when a secret was given, so the handshake proves knowledge of it.</summary>
    public bool IsAuthenticated { get; }

    /// <summary>Identifies the job in a hello without revealing the secret.</summary>
    public ulong JobHash { get; }

    internal byte[] Key { get; }

    /// <param name="jobId">The job's identity (the launcher's job id); never empty.</param>
    /// <param name="secret">The shared secret (COLLECTIVES_SECRET), or null for an unauthenticated job.</param>
    public static JobCredentials Create(string jobId, string? secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        byte[] label = Encoding.UTF8.GetBytes("collectives-v1|" + jobId);
        if (string.IsNullOrEmpty(secret))
        {
            return new JobCredentials(jobId, SHA256.HashData(label), authenticated: false);
        }
        return new JobCredentials(jobId, HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), label), authenticated: true);
    }
}
