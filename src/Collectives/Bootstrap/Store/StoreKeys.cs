using System.Text;

namespace Collectives.Bootstrap;

/// <summary>Checks keys and values against the store's limits at the public edge, the same way for every store.</summary>
internal static class StoreKeys
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The key's UTF-8 bytes; throws <see cref="ArgumentException"/> for an empty, oversized or malformed key.</summary>
    public static byte[] Encode(string key, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0)
        {
            throw new ArgumentException("A store key cannot be empty.", paramName);
        }
        if (key.Length > StoreTuning.MaxKeyBytes)
        {
            throw TooLong(key, paramName);
        }
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(key);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Store key '{key}' is not valid Unicode (a lone surrogate).", paramName, e);
        }
        return bytes.Length <= StoreTuning.MaxKeyBytes ? bytes : throw TooLong(key, paramName);
    }

    public static void Validate(string key, string paramName = "key") => Encode(key, paramName);

    public static void ValidateAll(IReadOnlyList<string> keys, string paramName = "keys")
    {
        ArgumentNullException.ThrowIfNull(keys, paramName);
        if (keys.Count > StoreTuning.MaxKeysPerRequest)
        {
            throw new ArgumentException($"A store request names at most {StoreTuning.MaxKeysPerRequest} keys, not {keys.Count}.", paramName);
        }
        foreach (string key in keys)
        {
            Validate(key, paramName);
        }
    }

    public static void ValidateValue(ReadOnlyMemory<byte> value, string paramName = "value")
    {
        if (value.Length > StoreTuning.MaxValueBytes)
        {
            throw new ArgumentException($"A store value holds at most {StoreTuning.MaxValueBytes} bytes, not {value.Length}.", paramName);
        }
    }

    private static ArgumentException TooLong(string key, string paramName) => new(
        $"Store key '{key[..Math.Min(key.Length, 64)]}...' is longer than {StoreTuning.MaxKeyBytes} UTF-8 bytes.", paramName);
}
