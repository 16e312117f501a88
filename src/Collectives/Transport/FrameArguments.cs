using System.Globalization;
using Collectives.Wire;

namespace Collectives.Transport;

/// <summary>Argument checks every link makes the same way at its public edge.</summary>
internal static class FrameArguments
{
    /// <summary>The error for a payload whose length is not the one its header announces, or null when they agree.</summary>
    public static ArgumentException? PayloadMismatch(in FrameHeader header, int payloadLength) =>
        payloadLength == header.PayloadLength ? null : new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"The header announces {header.PayloadLength} payload bytes but the payload has {payloadLength}."), "payload");
}
