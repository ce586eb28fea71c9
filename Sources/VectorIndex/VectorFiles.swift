import Foundation

/// A set of equally long Float32 vectors, stored row-major in one array.
public struct VectorSet: Sendable, Equatable {
    public let dimension: Int
    public var values: [Float]

    public init(dimension: Int, values: [Float] = []) {
        precondition(dimension > 0 && values.count % dimension == 0, "values must hold whole vectors")
        self.dimension = dimension
        self.values = values
    }

    /// Number of vectors.
    public var count: Int { values.count / dimension }

    /// Vector `i` as a new array.
    public subscript(i: Int) -> [Float] {
        Array(values[(i * dimension)..<((i + 1) * dimension)])
    }

    /// The vectors as separate arrays.
    public var rows: [[Float]] { (0..<count).map { self[$0] } }

    /// A seeded Gaussian mixture: `clusters` centres drawn from N(0, 1) in each component, and each point a centre
    /// plus N(0, spread²) noise, assigned to centres in turn. Real embeddings are clustered like this, which
    /// makes it a fairer ANN test than uniform noise.
    public static func gaussianMixture(
        count: Int, dimension: Int, clusters: Int, spread: Float = 0.35, seed: UInt64
    ) -> VectorSet {
        var rng = SplitMix64(seed: seed)
        let k = max(1, clusters)
        var centres = [Float](repeating: 0, count: k * dimension)
        for i in centres.indices { centres[i] = rng.nextGaussian() }
        var values = [Float](repeating: 0, count: count * dimension)
        for i in 0..<count {
            let c = Int(rng.next() % UInt64(k))
            for j in 0..<dimension {
                values[i * dimension + j] = centres[c * dimension + j] + spread * rng.nextGaussian()
            }
        }
        return VectorSet(dimension: dimension, values: values)
    }

    // MARK: Files

    /// Reads `.fvecs` (each vector: Int32 dimension, then Float32 components) or `.npy` (a 2-D little-endian
    /// Float32 array in C order), chosen by extension.
    /// - Throws: `IndexError.io` when unreadable, `.badVectorFile` naming the problem otherwise.
    public static func read(path: String) throws -> VectorSet {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw IndexError.io(path: path, reason: (error as NSError).localizedDescription)
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "fvecs": return try readFvecs(data, path: path)
        case "npy": return try readNpy(data, path: path)
        default: throw IndexError.badVectorFile(path: path, reason: "unknown extension (expected .fvecs or .npy)")
        }
    }

    /// Writes `.fvecs` or `.npy`, chosen by extension.
    public func write(path: String) throws {
        let data: Data
        switch (path as NSString).pathExtension.lowercased() {
        case "fvecs": data = fvecsData()
        case "npy": data = npyData()
        default: throw IndexError.badVectorFile(path: path, reason: "unknown extension (expected .fvecs or .npy)")
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw IndexError.io(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private static func readFvecs(_ data: Data, path: String) throws -> VectorSet {
        guard data.count >= 4 else { throw IndexError.badVectorFile(path: path, reason: "empty .fvecs file") }
        let dimension = Int(data.load(at: 0) as Int32)
        guard dimension > 0, dimension <= 65_536 else {
            throw IndexError.badVectorFile(path: path, reason: "bad dimension \(dimension) in first record")
        }
        let record = 4 + 4 * dimension
        guard data.count % record == 0 else {
            throw IndexError.badVectorFile(
                path: path, reason: "size \(data.count) is not a multiple of the \(record)-byte record")
        }
        let n = data.count / record
        var values = [Float](repeating: 0, count: n * dimension)
        try data.withUnsafeBytes { raw in
            for i in 0..<n {
                let d = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * record, as: Int32.self)))
                guard d == dimension else {
                    throw IndexError.badVectorFile(path: path, reason: "record \(i) has dimension \(d), not \(dimension)")
                }
                for j in 0..<dimension {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * record + 4 + 4 * j, as: UInt32.self))
                    values[i * dimension + j] = Float(bitPattern: bits)
                }
            }
        }
        return VectorSet(dimension: dimension, values: values)
    }

    private func fvecsData() -> Data {
        var data = Data(capacity: count * (4 + 4 * dimension))
        for i in 0..<count {
            withUnsafeBytes(of: Int32(dimension).littleEndian) { data.append(contentsOf: $0) }
            for j in 0..<dimension {
                withUnsafeBytes(of: values[i * dimension + j].bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    private static func readNpy(_ data: Data, path: String) throws -> VectorSet {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard data.count >= 10, Array(data.prefix(6)) == magic else {
            throw IndexError.badVectorFile(path: path, reason: "not a .npy file (bad magic)")
        }
        let major = data[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(data.load(at: 8) as UInt16)
            headerStart = 10
        } else {
            guard data.count >= 12 else { throw IndexError.badVectorFile(path: path, reason: "truncated header") }
            headerLength = Int(data.load(at: 8) as UInt32)
            headerStart = 12
        }
        guard data.count >= headerStart + headerLength,
              let header = String(data: data[headerStart..<(headerStart + headerLength)], encoding: .ascii)
        else { throw IndexError.badVectorFile(path: path, reason: "truncated header") }
        guard header.contains("'<f4'") else {
            throw IndexError.badVectorFile(path: path, reason: "dtype must be little-endian float32 ('<f4'): \(header)")
        }
        guard header.contains("'fortran_order': False") else {
            throw IndexError.badVectorFile(path: path, reason: "Fortran-ordered arrays are not supported")
        }
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            throw IndexError.badVectorFile(path: path, reason: "no shape in header")
        }
        let shape = header[header.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard shape.count == 2, shape[1] > 0 else {
            throw IndexError.badVectorFile(path: path, reason: "expected a 2-D array, shape is \(shape)")
        }
        let (n, dimension) = (shape[0], shape[1])
        let start = headerStart + headerLength
        guard data.count - start == n * dimension * 4 else {
            throw IndexError.badVectorFile(
                path: path, reason: "\(data.count - start) data bytes for shape (\(n), \(dimension))")
        }
        var values = [Float](repeating: 0, count: n * dimension)
        data.withUnsafeBytes { raw in
            for i in 0..<(n * dimension) {
                values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
            }
        }
        return VectorSet(dimension: dimension, values: values)
    }

    private func npyData() -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(count), \(dimension)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
