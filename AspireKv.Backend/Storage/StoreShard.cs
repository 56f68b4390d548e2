using System.Text;

namespace AspireKv.Backend.Storage;

/// <summary>
/// One lock's worth of the store: an index of keys and the records (key, value) it points to, packed into a few
/// large byte arrays ("segments") instead of an object per key. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// <para>
/// Why packed: a store of objects (a dictionary node, a key string and a value array per key) makes every write leave
/// three objects that outlive the next gen0 collection, and the collector copies them all. With replication fanning
/// every write out to each backend, those copies were the gen0 and gen1 pauses that made the replication lag's tail
/// (docs/performance.md). Here the index is an array of structs without references and the records live in byte
/// arrays, which the collector neither traces nor, once they are large, copies.
/// </para>
/// <para>
/// Records are appended to the newest segment (the head). Overwriting or deleting a key leaves its old record
/// behind as garbage; when a sealed segment is less than half live, its live records are copied to the head and the
/// segment is dropped, so the segments never hold much more than twice the live records. Keys are never removed
/// (deletes are tombstones), so index slots never move and a record can name its slot.
/// </para>
/// </remarks>
internal sealed class StoreShard
{
    /// <summary>Size of the first segment; each new head doubles the last one up to <see cref="MaxSegmentBytes"/>.</summary>
    internal const int FirstSegmentBytes = 4 * 1024;

    /// <summary>Largest shared segment; 256 KiB lives on the large object heap, which gen0 and gen1 never copy.</summary>
    internal const int MaxSegmentBytes = 256 * 1024;

    /// <summary>A record larger than this gets a segment of its own, so one big value cannot waste most of a head.</summary>
    private const int DedicatedRecordBytes = MaxSegmentBytes / 4;

    private readonly Lock _lock = new();
    private int[] _buckets = [];
    private Slot[] _slots = [];
    private int _count;
    private int _live;
    private byte[]?[] _segments = [];
    private int[] _segmentUsed = [];
    private int[] _segmentLive = [];
    private readonly Stack<int> _freeSegmentIndexes = new();
    private readonly Queue<int> _sparseSegments = new();
    private int _head = -1;
    private int _nextSegmentBytes = FirstSegmentBytes;
    private long _segmentBytes;

    /// <summary>Keys held, tombstones included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Keys that hold a value.</summary>
    public int LiveCount => Volatile.Read(ref _live);

    /// <summary>Bytes of the segments, garbage and free space included (the index is not counted).</summary>
    public long SegmentBytes => Interlocked.Read(ref _segmentBytes);

    /// <summary>Bytes of the records the index points to.</summary>
    public long LiveRecordBytes
    {
        get
        {
            lock (_lock)
            {
                long live = 0;
                for (var s = 0; s < _segments.Length; s++)
                {
                    live += _segmentLive[s];
                }

                return live;
            }
        }
    }

    /// <summary>Applies <paramref name="entry"/> to the key if it is newer than what the key holds (the version rule).</summary>
    public ApplyOutcome Apply(int hash, ReadOnlySpan<byte> key, StoredEntry entry)
    {
        lock (_lock)
        {
            var slotIndex = Find(hash, key);
            if (slotIndex < 0)
            {
                slotIndex = AddSlot(hash);
            }
            else
            {
                ref var current = ref _slots[slotIndex];
                if (current.Version >= entry.Version)
                {
                    return ApplyOutcome.Stale;
                }

                if (!HeaderOf(current).IsTombstone)
                {
                    _live--;
                }

                Release(current.Segment, current.Offset);
            }

            var (segment, offset) = Append(slotIndex, key, entry.Value);
            ref var slot = ref _slots[slotIndex];
            slot.Version = entry.Version;
            slot.ExpiresAt = entry.Value is null ? 0 : entry.ExpiresAt;
            slot.Segment = segment;
            slot.Offset = offset;
            if (entry.Value is not null)
            {
                _live++;
            }

            CompactSparseSegments();
            return ApplyOutcome.Applied;
        }
    }

    /// <summary>The entry of the key, with a copy of its value, if the key was ever written.</summary>
    public bool TryGet(int hash, ReadOnlySpan<byte> key, out StoredEntry entry)
    {
        lock (_lock)
        {
            var slotIndex = Find(hash, key);
            if (slotIndex < 0)
            {
                entry = default;
                return false;
            }

            ref var slot = ref _slots[slotIndex];
            entry = new StoredEntry(slot.Version, ValueOf(slot), slot.ExpiresAt);
            return true;
        }
    }

    /// <summary>The key's version, value length and expiry, without copying its value, if the key was ever written.</summary>
    public bool TryGetKey(int hash, ReadOnlySpan<byte> key, string name, out StoredKey stored)
    {
        lock (_lock)
        {
            var slotIndex = Find(hash, key);
            if (slotIndex < 0)
            {
                stored = default;
                return false;
            }

            ref var slot = ref _slots[slotIndex];
            stored = new StoredKey(name, slot.Version, HeaderOf(slot).ValueLength, slot.ExpiresAt);
            return true;
        }
    }

    /// <summary>Copies every entry out, tombstones included, as one moment of this shard.</summary>
    public List<KeyValuePair<string, StoredEntry>> Snapshot()
    {
        lock (_lock)
        {
            var entries = new List<KeyValuePair<string, StoredEntry>>(_count);
            for (var i = 0; i < _count; i++)
            {
                ref var slot = ref _slots[i];
                entries.Add(new(Encoding.UTF8.GetString(KeyOf(slot)), new StoredEntry(slot.Version, ValueOf(slot), slot.ExpiresAt)));
            }

            return entries;
        }
    }

    /// <summary>Every key with its version and value length, tombstones included, as one moment of this shard.</summary>
    public List<StoredKey> KeySnapshot()
    {
        lock (_lock)
        {
            var keys = new List<StoredKey>(_count);
            for (var i = 0; i < _count; i++)
            {
                ref var slot = ref _slots[i];
                keys.Add(new StoredKey(Encoding.UTF8.GetString(KeyOf(slot)), slot.Version, HeaderOf(slot).ValueLength, slot.ExpiresAt));
            }

            return keys;
        }
    }

    private int Find(int hash, ReadOnlySpan<byte> key)
    {
        if (_buckets.Length == 0)
        {
            return -1;
        }

        for (var i = _buckets[BucketOf(hash)] - 1; i >= 0; i = _slots[i].Next)
        {
            ref var slot = ref _slots[i];
            if (slot.Hash == hash && KeyOf(slot).SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }

    private int AddSlot(int hash)
    {
        if (_count == _slots.Length)
        {
            Grow();
        }

        var index = _count;
        ref var bucket = ref _buckets[BucketOf(hash)];
        _slots[index] = new Slot { Hash = hash, Next = bucket - 1, Segment = -1 };
        bucket = index + 1;
        Volatile.Write(ref _count, index + 1);
        return index;
    }

    /// <summary>Doubles the slots and the buckets; slots keep their indexes, which records refer to.</summary>
    private void Grow()
    {
        var capacity = Math.Max(16, _slots.Length * 2);
        Array.Resize(ref _slots, capacity);
        _buckets = new int[capacity];
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref _buckets[BucketOf(_slots[i].Hash)];
            _slots[i].Next = bucket - 1;
            bucket = i + 1;
        }
    }

    // The shard was chosen by the hash's top bits; the bucket uses the low bits, so the two stay independent.
    private int BucketOf(int hash) => hash & (_buckets.Length - 1);

    private (int Segment, int Offset) Append(int slotIndex, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool tombstone)
    {
        var header = new RecordHeader(slotIndex, key.Length, tombstone ? -1 : value.Length);
        var size = header.RecordBytes;
        int segmentIndex;
        if (size > DedicatedRecordBytes)
        {
            segmentIndex = AddSegment(size);
        }
        else
        {
            if (_head < 0 || _segmentUsed[_head] + size > _segments[_head]!.Length)
            {
                var sealedHead = _head;
                var headBytes = _nextSegmentBytes;
                while (headBytes < size)
                {
                    headBytes *= 2;
                }

                _head = AddSegment(headBytes);
                _nextSegmentBytes = Math.Min(MaxSegmentBytes, headBytes * 2);
                if (sealedHead >= 0)
                {
                    NoteIfSparse(sealedHead);
                }
            }

            segmentIndex = _head;
        }

        var offset = _segmentUsed[segmentIndex];
        var record = _segments[segmentIndex].AsSpan(offset, size);
        header.Write(record);
        key.CopyTo(record[RecordHeader.Bytes..]);
        value.CopyTo(record[(RecordHeader.Bytes + key.Length)..]);
        _segmentUsed[segmentIndex] = offset + size;
        _segmentLive[segmentIndex] += size;
        return (segmentIndex, offset);
    }

    private (int Segment, int Offset) Append(int slotIndex, ReadOnlySpan<byte> key, byte[]? value) =>
        Append(slotIndex, key, value, tombstone: value is null);

    private int AddSegment(int bytes)
    {
        if (!_freeSegmentIndexes.TryPop(out var index))
        {
            index = _segments.Length;
            var capacity = Math.Max(4, _segments.Length * 2);
            Array.Resize(ref _segments, capacity);
            Array.Resize(ref _segmentUsed, capacity);
            Array.Resize(ref _segmentLive, capacity);
            for (var i = capacity - 1; i > index; i--)
            {
                _freeSegmentIndexes.Push(i);
            }
        }

        _segments[index] = GC.AllocateUninitializedArray<byte>(bytes);
        _segmentUsed[index] = 0;
        _segmentLive[index] = 0;
        Interlocked.Add(ref _segmentBytes, bytes);
        return index;
    }

    /// <summary>Marks the record at <paramref name="offset"/> as garbage.</summary>
    private void Release(int segment, int offset)
    {
        _segmentLive[segment] -= RecordHeader.Read(_segments[segment].AsSpan(offset)).RecordBytes;
        NoteIfSparse(segment);
    }

    private void NoteIfSparse(int segment)
    {
        if (segment != _head && (long)_segmentLive[segment] * 2 < _segments[segment]!.Length)
        {
            _sparseSegments.Enqueue(segment);
        }
    }

    /// <summary>Copies the live records of every sparse sealed segment to the head and drops the segment.</summary>
    private void CompactSparseSegments()
    {
        while (_sparseSegments.TryDequeue(out var segmentIndex))
        {
            // A segment can be queued twice, or have become the head again after being freed and reused.
            var segment = _segments[segmentIndex];
            if (segment is null || segmentIndex == _head || (long)_segmentLive[segmentIndex] * 2 >= segment.Length)
            {
                continue;
            }

            var used = _segmentUsed[segmentIndex];
            for (var offset = 0; offset < used;)
            {
                var record = segment.AsSpan(offset);
                var header = RecordHeader.Read(record);
                ref var slot = ref _slots[header.Slot];
                if (slot.Segment == segmentIndex && slot.Offset == offset)
                {
                    var key = record.Slice(RecordHeader.Bytes, header.KeyLength);
                    var value = record.Slice(RecordHeader.Bytes + header.KeyLength, header.ValueBytes);
                    var (newSegment, newOffset) = Append(header.Slot, key, value, header.IsTombstone);
                    slot = ref _slots[header.Slot];
                    slot.Segment = newSegment;
                    slot.Offset = newOffset;
                }

                offset += header.RecordBytes;
            }

            Interlocked.Add(ref _segmentBytes, -segment.Length);
            _segments[segmentIndex] = null;
            _segmentUsed[segmentIndex] = 0;
            _segmentLive[segmentIndex] = 0;
            _freeSegmentIndexes.Push(segmentIndex);
        }
    }

    private RecordHeader HeaderOf(in Slot slot) => RecordHeader.Read(_segments[slot.Segment].AsSpan(slot.Offset));

    private ReadOnlySpan<byte> KeyOf(in Slot slot) =>
        _segments[slot.Segment].AsSpan(slot.Offset + RecordHeader.Bytes, HeaderOf(slot).KeyLength);

    /// <summary>A copy of the value, or null for a tombstone.</summary>
    private byte[]? ValueOf(in Slot slot)
    {
        var header = HeaderOf(slot);
        return header.IsTombstone
            ? null
            : _segments[slot.Segment].AsSpan(slot.Offset + RecordHeader.Bytes + header.KeyLength, header.ValueBytes).ToArray();
    }

    /// <summary>One key in the index. No references, so the collector never traces the slot array.</summary>
    private struct Slot
    {
        public int Hash;
        public int Next;
        public long Version;
        // In the slot, not the record: compaction copies records, and an expiry never changes without a new version.
        public long ExpiresAt;
        public int Segment;
        public int Offset;
    }
}
