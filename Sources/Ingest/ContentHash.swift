import Crypto
import Foundation

/// Content hashes of source files: SHA-256 (swift-crypto), as lower-case hex.
public enum ContentHash {
    /// The lower-case hex SHA-256 digest of `data`.
    public static func hex(_ data: Data) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
