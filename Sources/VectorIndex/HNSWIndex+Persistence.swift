import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// File layout (little-endian), version 1:
///
/// ```
/// header (128 bytes)
///   0  magic "RAGHNSW\0"          8  version UInt32       12 header bytes UInt32
///   16 dimension UInt32           20 metric UInt8, storage UInt8, keeps Float32 copy UInt8, 0
///   24 M UInt32                   28 efConstruction UInt32
///   32 slots UInt64               40 live count UInt64    48 watermark UInt64
///   56 level generator state      64 entry point Int64    72 max level Int64
///   80 payload bytes UInt64       88 payload checksum     96 ef (search) UInt32, 100 reserved
///   120 header checksum (of bytes 0..<120)
/// payload, each section padded to 8 bytes:
///   labels (slots × UInt64), tombstone flags (slots × UInt8), vector sections (codes, scales, norms,
///   Float32 copy), levels (slots × Int32), level-0 lists, upper lists of each slot above level 0
/// ```
extension HNSWIndex {
    static let magic: [UInt8] = Array("RAGHNSW\0".utf8)
    static let formatVersion: UInt32 = 1
    static let headerSize = 128

    /// Writes the index to `path` atomically: a temporary file beside it is written, flushed with fsync, and
    /// renamed over `path`, so a crash leaves either the old file or the new one.
    /// - Parameter watermark: stored in the header (for example the last database row the index covers);
    ///   nil keeps the index's current `watermark`.
    /// - Throws: `IndexError.io` when the file cannot be written.
    public func save(to path: String, watermark: UInt64? = nil) throws {
        try lock.withWriteLock {
            if let watermark { _watermark = watermark }
            try saveLocked(to: path)
        }
    }

    private func saveLocked(to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IndexError.io(path: temporary, reason: String(cString: strerror(errno))) }
        var writer = FileWriter(fd: fd, path: temporary)
        do {
            try writer.write(Data(count: Self.headerSize))  // placeholder, rewritten below
            writer.startChecksum()
            let slots = labels.count
            try labels.withUnsafeBytes { try writer.writePadded($0) }
            let flags = isDeleted.map { UInt8($0 ? 1 : 0) }
            try flags.withUnsafeBytes { try writer.writePadded($0) }
            try storage.withRawSections(count: slots) { sections in
                for section in sections { try writer.writePadded(section) }
            }
            for section in graph.rawSections(count: slots) { try writer.writePadded(section) }
            let payloadBytes = writer.bytesWritten - Self.headerSize
            let header = makeHeader(payloadBytes: payloadBytes, checksum: writer.checksum)
            try writer.write(header, at: 0)
            guard fsync(fd) == 0 else { throw IndexError.io(path: temporary, reason: String(cString: strerror(errno))) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw IndexError.io(path: path, reason: reason)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    private func makeHeader(payloadBytes: Int, checksum: UInt64) -> Data {
        var h = Data(count: Self.headerSize)
        h.replaceSubrange(0..<8, with: Self.magic)
        h.store(Self.formatVersion, at: 8)
        h.store(UInt32(Self.headerSize), at: 12)
        h.store(UInt32(configuration.dimension), at: 16)
        h[20] = configuration.metric.rawValue
        h[21] = configuration.storage.rawValue
        h[22] = storage.keepsFullPrecision ? 1 : 0
        h.store(UInt32(configuration.connectivity), at: 24)
        h.store(UInt32(configuration.expansionAdd), at: 28)
        h.store(UInt64(labels.count), at: 32)
        h.store(UInt64(labels.count - deletedCount), at: 40)
        h.store(_watermark, at: 48)
        h.store(levelGenerator.state, at: 56)
        h.store(Int64(entryPoint), at: 64)
        h.store(Int64(maxLevel), at: 72)
        h.store(UInt64(payloadBytes), at: 80)
        h.store(checksum, at: 88)
        h.store(UInt32(configuration.expansionSearch), at: 96)
        h.store(UInt64(configuration.seed), at: 104)
        h.store(Checksum.of(h.prefix(120)), at: 120)
        return h
    }

    /// Reads an index written by `save(to:)`.
    /// - Throws: `IndexError.io` (unreadable), `.foreignFile` (not an index), `.unsupportedVersion`,
    ///   `.truncated` (shorter than its header says), or `.corrupt` (checksum or structure mismatch).
    public static func load(from path: String) throws -> HNSWIndex {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw IndexError.io(path: path, reason: (error as NSError).localizedDescription)
        }
        guard data.count >= 8, Array(data.prefix(8)) == magic else { throw IndexError.foreignFile(path: path) }
        guard data.count >= headerSize else {
            throw IndexError.truncated(path: path, expectedBytes: headerSize, actualBytes: data.count)
        }
        let version: UInt32 = data.load(at: 8)
        guard version == formatVersion else { throw IndexError.unsupportedVersion(path: path, version: version) }
        guard Checksum.of(data.prefix(120)) == data.load(at: 120) as UInt64 else {
            throw IndexError.corrupt(path: path, reason: "header checksum mismatch")
        }
        let payloadBytes = Int(data.load(at: 80) as UInt64)
        guard data.count >= headerSize + payloadBytes else {
            throw IndexError.truncated(path: path, expectedBytes: headerSize + payloadBytes, actualBytes: data.count)
        }
        guard data.count == headerSize + payloadBytes else {
            throw IndexError.corrupt(path: path, reason: "\(data.count - headerSize - payloadBytes) trailing bytes")
        }
        guard Checksum.of(data[headerSize...]) == data.load(at: 88) as UInt64 else {
            throw IndexError.corrupt(path: path, reason: "payload checksum mismatch")
        }
        guard let metric = Metric(rawValue: data[20]), let storageKind = StorageKind(rawValue: data[21]) else {
            throw IndexError.corrupt(path: path, reason: "unknown metric or storage kind")
        }
        let configuration = HNSWConfiguration(
            dimension: Int(data.load(at: 16) as UInt32), metric: metric, storage: storageKind,
            connectivity: Int(data.load(at: 24) as UInt32), expansionAdd: Int(data.load(at: 28) as UInt32),
            expansionSearch: Int(data.load(at: 96) as UInt32), seed: data.load(at: 104),
            keepsFullPrecision: data[22] == 1)
        let index: HNSWIndex
        do {
            index = try HNSWIndex(configuration: configuration)
        } catch {
            throw IndexError.corrupt(path: path, reason: "bad parameters in header: \(error)")
        }
        let slots = Int(data.load(at: 32) as UInt64)
        do {
            try data.withUnsafeBytes { raw in
                var reader = ByteReader(raw, offset: headerSize)
                try index.restore(
                    slots: slots, reader: &reader, watermark: data.load(at: 48), generatorState: data.load(at: 56),
                    entryPoint: Int32(data.load(at: 64) as Int64), maxLevel: Int(data.load(at: 72) as Int64))
            }
        } catch let failure as ByteReader.Failure {
            throw IndexError.corrupt(path: path, reason: failure.description)
        }
        if let problem = index.integrityProblem() {
            throw IndexError.corrupt(path: path, reason: problem)
        }
        return index
    }

    private func restore(
        slots: Int, reader: inout ByteReader, watermark: UInt64, generatorState: UInt64, entryPoint: Int32,
        maxLevel: Int
    ) throws {
        let labelBytes = try reader.takePadded(slots * 8)
        labels = Array(labelBytes.bindMemory(to: UInt64.self).prefix(slots))
        let flagBytes = try reader.takePadded(slots)
        isDeleted = flagBytes.prefix(slots).map { $0 != 0 }
        deletedCount = isDeleted.lazy.filter { $0 }.count
        labelToSlot.reserveCapacity(slots)
        for slot in 0..<slots where !isDeleted[slot] {
            guard labelToSlot.updateValue(Int32(slot), forKey: labels[slot]) == nil else {
                throw ByteReader.Failure.invalid("label \(labels[slot]) appears twice")
            }
        }
        storage.reserve(max(slots, 1), preserving: 0)
        var sections: [UnsafeRawBufferPointer] = []
        for size in storage.sectionSizes(count: slots) { sections.append(try reader.takePadded(size)) }
        storage.loadRawSections(sections)
        try graph.load(count: slots, from: &reader)
        guard reader.isAtEnd else { throw ByteReader.Failure.invalid("payload longer than its sections") }
        _watermark = watermark
        levelGenerator = SplitMix64(seed: generatorState)
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }
}

/// A 64-bit checksum over 8-byte words (multiply-xorshift mixing); fast enough to check a large file at memory
/// speed, strong enough to catch truncation, bit flips and swapped blocks. Not cryptographic.
enum Checksum {
    static func of(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { of($0) }
    }

    static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0x5241_4748_4E53_5731) -> UInt64 {
        var h = seed
        update(&h, bytes)
        return finish(h, length: bytes.count)
    }

    static func update(_ h: inout UInt64, _ bytes: UnsafeRawBufferPointer) {
        let words = bytes.count / 8
        for i in 0..<words {
            let w = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        for i in (words * 8)..<bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
    }

    static func finish(_ h: UInt64, length: Int) -> UInt64 {
        var h = h ^ UInt64(length)
        h = (h ^ (h >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 33)
    }
}

/// Sequential writes to a file descriptor with a running checksum.
struct FileWriter {
    let fd: Int32
    let path: String
    private(set) var bytesWritten = 0
    private var hashing = false
    private var hash: UInt64 = 0x5241_4748_4E53_5731
    private var hashedBytes = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    mutating func startChecksum() { hashing = true }

    var checksum: UInt64 { Checksum.finish(hash, length: hashedBytes) }

    mutating func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        if hashing {
            precondition(bytes.count % 8 == 0 || bytes.isEmpty, "checksummed sections must be padded to 8 bytes")
            Checksum.update(&hash, bytes)
            hashedBytes += bytes.count
        }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            guard n > 0 else { throw IndexError.io(path: path, reason: String(cString: strerror(errno))) }
            offset += n
        }
        bytesWritten += bytes.count
    }

    /// Writes `bytes` followed by zeros up to a multiple of 8.
    mutating func writePadded(_ bytes: UnsafeRawBufferPointer) throws {
        let whole = bytes.count / 8 * 8
        if whole > 0 { try write(UnsafeRawBufferPointer(rebasing: bytes[0..<whole])) }
        let rest = bytes.count - whole
        if rest > 0 {
            var tail = [UInt8](repeating: 0, count: 8)
            for i in 0..<rest { tail[i] = bytes[whole + i] }
            try tail.withUnsafeBytes { try write($0) }
        }
    }

    /// Overwrites bytes at `offset` (outside the checksummed region).
    func write(_ data: Data, at offset: Int) throws {
        try data.withUnsafeBytes { raw in
            guard pwrite(fd, raw.baseAddress!, raw.count, off_t(offset)) == raw.count else {
                throw IndexError.io(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }
}

/// Bounds-checked sequential reads from a byte buffer.
struct ByteReader {
    enum Failure: Error, CustomStringConvertible {
        case shortRead(needed: Int, available: Int)
        case invalid(String)

        var description: String {
            switch self {
            case let .shortRead(needed, available): "section needs \(needed) bytes, \(available) left"
            case let .invalid(message): message
            }
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - offset else {
            throw Failure.shortRead(needed: count, available: bytes.count - offset)
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// Takes `count` bytes and skips the padding to the next multiple of 8.
    mutating func takePadded(_ count: Int) throws -> UnsafeRawBufferPointer {
        let padded = (count + 7) / 8 * 8
        let block = try take(padded)
        return UnsafeRawBufferPointer(rebasing: block[0..<count])
    }
}

extension Data {
    mutating func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: $0) }
    }

    func load<T: FixedWidthInteger>(at offset: Int) -> T {
        withUnsafeBytes { raw in T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
