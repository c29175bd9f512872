using System.Formats.Asn1;

namespace EspRelease.Core.Certificates;

/// <summary>
/// A Name compared the way mbedtls compares it (<c>x509_name_cmp</c>): attribute by attribute in
/// order, same OIDs, same RDN grouping, values byte-equal, or equal ignoring ASCII case when both
/// are UTF8String or PrintableString. No Unicode normalisation, no reordering.
/// </summary>
public sealed class DistinguishedName
{
    private readonly List<(string Oid, Asn1Tag Tag, byte[] Value, bool MergedWithNext)> _attributes;

    private DistinguishedName(List<(string, Asn1Tag, byte[], bool)> attributes) => _attributes = attributes;

    public static DistinguishedName Parse(ReadOnlyMemory<byte> der)
    {
        var attributes = new List<(string, Asn1Tag, byte[], bool)>();
        var name = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        while (name.HasData)
        {
            var rdn = name.ReadSetOf(skipSortOrderValidation: true);
            while (rdn.HasData)
            {
                var attribute = rdn.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var tag = attribute.PeekTag();
                var value = attribute.ReadEncodedValue();
                var content = new AsnReader(value, AsnEncodingRules.BER).PeekContentBytes().ToArray();
                attributes.Add((oid, tag, content, rdn.HasData));
            }
        }

        return new DistinguishedName(attributes);
    }

    public bool MbedTlsEquals(DistinguishedName other)
    {
        if (_attributes.Count != other._attributes.Count)
        {
            return false;
        }

        for (var i = 0; i < _attributes.Count; i++)
        {
            var (oidA, tagA, valueA, mergedA) = _attributes[i];
            var (oidB, tagB, valueB, mergedB) = other._attributes[i];
            if (oidA != oidB || mergedA != mergedB || !StringEquals(tagA, valueA, tagB, valueB))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StringEquals(Asn1Tag tagA, byte[] a, Asn1Tag tagB, byte[] b) =>
        (tagA == tagB && a.AsSpan().SequenceEqual(b))
        || (IsCaseless(tagA) && IsCaseless(tagB) && MemCaseEquals(a, b));

    private static bool IsCaseless(Asn1Tag tag) =>
        tag.TagClass == TagClass.Universal && tag.TagValue is (int)UniversalTagNumber.UTF8String or (int)UniversalTagNumber.PrintableString;

    /// <summary>mbedtls's x509_memcasecmp: equal length, bytes equal or differing only in an ASCII letter's case.</summary>
    internal static bool MemCaseEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && ((a[i] ^ b[i]) != 32 || !char.IsAsciiLetter((char)a[i])))
            {
                return false;
            }
        }

        return true;
    }
}
