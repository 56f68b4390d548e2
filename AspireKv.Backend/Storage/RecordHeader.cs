using System.Buffers.Binary;

namespace AspireKv.Backend.Storage;

/// <summary>
/// The start of every record in a <see cref="StoreShard"/> segment: the index slot that owns the record, and the
/// lengths of the UTF-8 key and of the value (-1 for a tombstone) that follow it. The one place that knows the layout.
/// </summary>
internal readonly record struct RecordHeader(int Slot, int KeyLength, int ValueLength)
{
    /// <summary>Bytes of a header.</summary>
    public const int Bytes = 12;

    /// <summary>Bytes of the value (none for a tombstone).</summary>
    public int ValueBytes => Math.Max(0, ValueLength);

    /// <summary>Bytes of the whole record: header, key and value.</summary>
    public int RecordBytes => Bytes + KeyLength + ValueBytes;

    /// <summary>True when the record is a delete.</summary>
    public bool IsTombstone => ValueLength < 0;

    public static RecordHeader Read(ReadOnlySpan<byte> record) => new(
        BinaryPrimitives.ReadInt32LittleEndian(record),
        BinaryPrimitives.ReadInt32LittleEndian(record[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(record[8..]));

    public void Write(Span<byte> record)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, Slot);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], KeyLength);
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], ValueLength);
    }
}
