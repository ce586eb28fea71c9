import Foundation

/// Vectors are stored as little-endian Float32 BLOBs: `dimension × 4` bytes, no header.
enum VectorBlob {
    /// The BLOB of `vector`.
    static func encode(_ vector: [Float]) -> Data {
        #if _endian(big)
        return vector.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
        #else
        return vector.withUnsafeBytes { Data($0) }
        #endif
    }

    /// Appends the floats of `blob` to `output`; returns false when the length is not `dimension × 4`.
    static func decode(_ blob: Data, dimension: Int, into output: inout [Float]) -> Bool {
        guard blob.count == dimension * 4 else { return false }
        blob.withUnsafeBytes { raw in
            for index in 0..<dimension {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                output.append(Float(bitPattern: bits))
            }
        }
        return true
    }
}
