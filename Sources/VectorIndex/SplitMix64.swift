import RealModule

/// A small, fast, seeded generator (Steele, Lea and Flood's SplitMix64) for reproducible level draws and test data.
///
/// The system generator makes a system call per value; this one is a few instructions.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state: a generator made with `init(seed: state)` continues the same sequence.
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [0, 1).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// A standard normal variate (Box-Muller).
    public mutating func nextGaussian() -> Float {
        var u1 = nextUnitFloat()
        if u1 < 1e-7 { u1 = 1e-7 }
        let u2 = nextUnitFloat()
        return (-2 * Float.log(u1)).squareRoot() * Float.cos(2 * Float.pi * u2)
    }
}
