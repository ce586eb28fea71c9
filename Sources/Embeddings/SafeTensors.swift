import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only, memory-mapped `.safetensors` file.
///
/// Format: an 8-byte little-endian header length N, N bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`, then the raw
/// little-endian tensor data, offsets relative to byte 8 + N. The file is mapped, never copied: weights are
/// read in place, and the kernel pages in only what the encoder touches (for a 30,522-row embedding table,
/// just the rows of the tokens seen).
///
/// - Important: immutable after `init`, hence safe to share between threads; the mapping lives as long as
///   the object, so keep it alive while using pointers obtained from it.
public final class SafeTensorsFile: @unchecked Sendable {
    /// What the header says about one tensor.
    public struct TensorInfo: Sendable, Equatable {
        /// Element type as written in the file (`F32`, `F16`, `I64`, ...).
        public var dtype: String
        /// Dimensions, outermost first.
        public var shape: [Int]
        /// Byte range of the data relative to the start of the data section.
        public var byteRange: Range<Int>
    }

    /// The file's path, quoted in errors.
    public let path: String
    /// Every tensor the header declares, by name (`__metadata__` excluded).
    public let tensors: [String: TensorInfo]
    /// Total size of the file in bytes.
    public let fileSize: Int

    private let mapping: UnsafeMutableRawPointer
    private let dataStart: UnsafeRawPointer

    private static let elementSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
        "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1,
    ]

    /// Maps `path` and validates its header: size, JSON, dtypes, and that every tensor's byte range matches
    /// its shape and lies inside the file.
    ///
    /// - Throws: ``EmbeddingError/missingFile(path:)`` if the file cannot be opened;
    ///   ``EmbeddingError/damagedFile(path:reason:)`` if it is truncated or its header is malformed.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw EmbeddingError.missingFile(path: path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw EmbeddingError.missingFile(path: path) }
        let size = Int(status.st_size)
        guard size >= 8 else {
            throw EmbeddingError.damagedFile(path: path, reason: "\(size) bytes, shorter than the 8-byte header length")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw EmbeddingError.damagedFile(path: path, reason: "cannot be memory-mapped (errno \(errno))")
        }
        do {
            let header = try Self.parseHeader(mapped, size: size, path: path)
            self.tensors = header.tensors
            self.dataStart = UnsafeRawPointer(mapped + header.dataOffset)
        } catch {
            munmap(mapped, size)
            throw error
        }
        self.mapping = mapped
        self.fileSize = size
    }

    deinit {
        munmap(mapping, fileSize)
    }

    /// The data of an `F32` tensor of exactly `shape`, read in place.
    ///
    /// - Throws: ``EmbeddingError/missingTensor(path:name:)``, ``EmbeddingError/wrongShape(path:name:expected:actual:)``,
    ///   or ``EmbeddingError/damagedFile(path:reason:)`` for another dtype or misaligned data.
    public func floats(_ name: String, shape: [Int]) throws -> UnsafeBufferPointer<Float> {
        guard let info = tensors[name] else { throw EmbeddingError.missingTensor(path: path, name: name) }
        guard info.shape == shape else {
            throw EmbeddingError.wrongShape(path: path, name: name, expected: shape, actual: info.shape)
        }
        guard info.dtype == "F32" else {
            throw EmbeddingError.damagedFile(path: path, reason: "tensor \(name) has dtype \(info.dtype), expected F32")
        }
        let start = dataStart + info.byteRange.lowerBound
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else {
            throw EmbeddingError.damagedFile(path: path, reason: "tensor \(name) is not 4-byte aligned")
        }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self),
                                   count: info.byteRange.count / MemoryLayout<Float>.stride)
    }

    private static func parseHeader(_ base: UnsafeMutableRawPointer, size: Int, path: String) throws
        -> (tensors: [String: TensorInfo], dataOffset: Int)
    {
        let declared = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(size - 8) else {
            throw EmbeddingError.damagedFile(
                path: path, reason: "header length \(declared) exceeds the \(size - 8) bytes after it (truncated?)")
        }
        let headerLength = Int(declared)
        let json = Data(bytes: base + 8, count: headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw EmbeddingError.damagedFile(path: path, reason: "header is not a JSON object")
        }
        let dataOffset = 8 + headerLength
        let dataSize = size - dataOffset
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2
            else {
                throw EmbeddingError.damagedFile(path: path, reason: "malformed header entry for \(name)")
            }
            guard let elementSize = elementSizes[dtype] else {
                throw EmbeddingError.damagedFile(path: path, reason: "tensor \(name) has unknown dtype \(dtype)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, shape.allSatisfy({ $0 >= 0 }) else {
                throw EmbeddingError.damagedFile(path: path, reason: "tensor \(name) has invalid offsets or shape")
            }
            guard end <= dataSize else {
                throw EmbeddingError.damagedFile(
                    path: path, reason: "tensor \(name) ends at byte \(end) of a \(dataSize)-byte data section (truncated?)")
            }
            guard end - begin == shape.reduce(elementSize, *) else {
                throw EmbeddingError.damagedFile(
                    path: path, reason: "tensor \(name) holds \(end - begin) bytes, its shape \(shape) needs \(shape.reduce(elementSize, *))")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, byteRange: begin..<end)
        }
        return (tensors, dataOffset)
    }
}
