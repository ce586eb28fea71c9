import Foundation
import Testing
import Grounding

@Suite struct BinaryMetricsTests {
    @Test func countsAgainstAHandComputedOracle() {
        let scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2]
        let labels = [true, true, false, true, false, false]
        let metrics = BinaryMetrics(scores: scores, labels: labels, threshold: 0.5)
        #expect(metrics.truePositives == 2 && metrics.falsePositives == 1)
        #expect(metrics.trueNegatives == 2 && metrics.falseNegatives == 1)
        #expect(abs(metrics.precision - 2.0 / 3.0) < 1e-12)
        #expect(abs(metrics.balancedAccuracy - 2.0 / 3.0) < 1e-12)
    }

    @Test func bestThresholdMatchesAnExhaustiveSearch() {
        var generator = SplitMix(seed: 7)
        for _ in 0..<20 {
            let labels = (0..<200).map { _ in generator.next() % 2 == 0 }
            let scores = labels.map { Double(generator.next() % 1000) / 1000 + ($0 ? 0.25 : 0) }
            let chosen = BinaryMetrics.bestThreshold(scores: scores, labels: labels)
            let best = Set(scores).map { BinaryMetrics(scores: scores, labels: labels, threshold: $0).balancedAccuracy }.max()!
            #expect(abs(BinaryMetrics(scores: scores, labels: labels, threshold: chosen).balancedAccuracy - best) < 1e-12)
        }
    }

    @Test func bestThresholdHonoursMinimumPrecision() {
        let scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
        let labels = [true, true, false, true, true, false]
        let chosen = BinaryMetrics.bestThreshold(scores: scores, labels: labels, minimumPrecision: 0.95)
        #expect(BinaryMetrics(scores: scores, labels: labels, threshold: chosen).precision >= 0.95)
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

@Suite struct LabelledSampleTests {
    func load(_ text: String) throws -> [LabelledSample] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grounding-\(UUID().uuidString).jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try LabelledSample.load(path: path)
    }

    @Test func readsStringAndArrayContextsAndKeepsExtraFields() throws {
        let samples = try load("""
            {"question": "Q1", "answer": "A1", "context": "C1", "supported": true, "kind": "gold"}

            {"question": "Q2", "answer": "A2", "context": ["C2", "C3"], "supported": false}
            """)
        #expect(samples.count == 2)
        #expect(samples[0].extra["kind"] == "gold" && samples[0].isSupported && samples[0].line == 1)
        #expect(samples[1].sample.passages == ["C2", "C3"] && !samples[1].isSupported && samples[1].line == 3)
    }

    @Test func badLinesNameTheLineAndTheProblem() throws {
        let good = #"{"question": "Q", "answer": "A", "context": "C", "supported": true}"#
        let cases: [(String, String)] = [
            (#"{"question": "Q", "answer": "A", "context": "C"}"#, "missing \"supported\""),
            (#"{"question": "Q", "answer": "A", "context": "C", "supported": "yes"}"#, "\"supported\" must be true or false"),
            (#"{"question": "Q", "answer": 3, "context": "C", "supported": true}"#, "\"answer\" must be a string"),
            (#"{"question": "Q", "answer": "A", "context": [], "supported": true}"#,
             "\"context\" must be a string or a non-empty array of strings"),
            ("{not json", "not valid JSON"),
        ]
        for (line, reason) in cases {
            #expect {
                try load(good + "\n" + line + "\n")
            } throws: { error in
                guard case GroundingError.malformedLine(_, let number, let message) = error else { return false }
                return number == 2 && message == reason
            }
        }
        #expect(throws: GroundingError.unreadableFile(path: "/nonexistent/x.jsonl")) {
            try LabelledSample.load(path: "/nonexistent/x.jsonl")
        }
    }
}
