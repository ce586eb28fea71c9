import Foundation
import VectorIndex

/// Multinomial logistic regression (softmax) on fixed-length feature vectors, trained deterministically.
///
/// The objective is the mean cross-entropy over the training samples plus `l2 / 2` times the squared norm of the
/// weights (biases are not regularised). It is minimised by L-BFGS from zero weights with a backtracking (Armijo)
/// line search, for at most `iterations` steps or until the largest gradient component falls below `tolerance`.
/// Nothing is random and the arithmetic runs in a fixed order, so the same data gives the same weights, bit for
/// bit, on the same build.
public struct SoftmaxClassifier: Sendable, Equatable {
    /// Training settings.
    public struct Configuration: Sendable, Equatable {
        /// L2 penalty on the weights (per sample: the loss is a mean).
        public var l2: Double
        /// The most L-BFGS steps.
        public var iterations: Int
        /// Correction pairs L-BFGS keeps.
        public var memory: Int
        /// Training stops when every gradient component is smaller than this.
        public var tolerance: Double

        public init(l2: Double = 1e-4, iterations: Int = 300, memory: Int = 10, tolerance: Double = 1e-6) {
            self.l2 = l2
            self.iterations = iterations
            self.memory = memory
            self.tolerance = tolerance
        }
    }

    /// The classes, sorted; the order of the rows of ``weights``.
    public let labels: [String]
    /// Length of a feature vector.
    public let dimension: Int
    /// `labels.count` rows of `dimension + 1` values: each label's weights, then its bias.
    public let weights: [Double]
    /// L-BFGS steps taken.
    public let iterations: Int
    /// The objective (mean cross-entropy plus penalty) at the end of training.
    public let loss: Double

    /// Trains on `features[i]` labelled `labels[i]`.
    /// - Throws: ``EvaluationError/invalidInput(_:)`` when there is no sample, the counts differ, or vectors
    ///   differ in length.
    public init(features: [[Float]], labels sampleLabels: [String], configuration: Configuration = Configuration()) throws {
        guard !features.isEmpty, features.count == sampleLabels.count else {
            throw EvaluationError.invalidInput("a classifier needs samples, one label each (\(features.count) vectors, "
                                               + "\(sampleLabels.count) labels)")
        }
        let dimension = features[0].count
        guard dimension > 0, features.allSatisfy({ $0.count == dimension }) else {
            throw EvaluationError.invalidInput("feature vectors differ in length or are empty")
        }
        let classes = Array(Set(sampleLabels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let problem = Problem(features: features, targets: sampleLabels.map { index[$0]! }, classes: classes.count,
                              dimension: dimension, l2: configuration.l2)
        var weights = [Double](repeating: 0, count: classes.count * (dimension + 1))
        var steps = 0
        var loss = problem.evaluate(weights).loss
        if classes.count > 1 {
            (weights, steps, loss) = Self.minimise(problem, from: weights, configuration: configuration)
        }
        self.labels = classes
        self.dimension = dimension
        self.weights = weights
        self.iterations = steps
        self.loss = loss
    }

    /// One score per label (same order as ``labels``): the weights' inner product with `x`, plus the bias.
    public func logits(_ x: [Float]) -> [Double] {
        precondition(x.count == dimension, "feature vector has \(x.count) components, not \(dimension)")
        let stride = dimension + 1
        return (0..<labels.count).map { k in
            var sum = weights[k * stride + dimension]
            for j in 0..<dimension { sum += weights[k * stride + j] * Double(x[j]) }
            return sum
        }
    }

    /// The predicted label of `x`: the highest score (ties go to the label that sorts first).
    public func predict(_ x: [Float]) -> String {
        let scores = logits(x)
        var best = 0
        for k in scores.indices where scores[k] > scores[best] { best = k }
        return labels[best]
    }

    /// L-BFGS (two-loop recursion) with a backtracking line search; returns the weights, steps and loss.
    private static func minimise(_ problem: Problem, from start: [Double],
                                 configuration: Configuration) -> ([Double], Int, Double) {
        var w = start
        var (f, g) = problem.evaluate(w)
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var steps = 0
        while steps < configuration.iterations, g.lazy.map(abs).max()! >= configuration.tolerance {
            // Direction -H·g from the stored pairs.
            var q = g
            var alphas = [Double](repeating: 0, count: history.count)
            for i in history.indices.reversed() {
                alphas[i] = history[i].rho * dot(history[i].s, q)
                axpy(-alphas[i], history[i].y, &q)
            }
            if let last = history.last {
                let gamma = dot(last.s, last.y) / dot(last.y, last.y)
                for i in q.indices { q[i] *= gamma }
            } else {
                // First step: unit length along the gradient, then the line search.
                let scale = 1 / max(dot(g, g).squareRoot(), 1e-12)
                for i in q.indices { q[i] *= scale }
            }
            for i in history.indices {
                let beta = history[i].rho * dot(history[i].y, q)
                axpy(alphas[i] - beta, history[i].s, &q)
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if slope >= 0 {
                // Not a descent direction (should not happen on a convex problem): fall back to the gradient.
                history.removeAll()
                direction = g.map { -$0 }
                slope = dot(g, direction)
            }
            // Backtracking: halve the step until the Armijo condition holds.
            var t = 1.0
            var accepted: (w: [Double], f: Double, g: [Double])?
            for _ in 0..<40 {
                var candidate = w
                axpy(t, direction, &candidate)
                let (fc, gc) = problem.evaluate(candidate)
                if fc <= f + 1e-4 * t * slope {
                    accepted = (candidate, fc, gc)
                    break
                }
                t *= 0.5
            }
            guard let accepted else { break }
            steps += 1
            let s = zip(accepted.w, w).map { $0 - $1 }
            let y = zip(accepted.g, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > configuration.memory { history.removeFirst() }
            }
            let decrease = f - accepted.f
            (w, f, g) = accepted
            if decrease <= 1e-12 * max(1, abs(f)) { break }
        }
        return (w, steps, f)
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    private static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for i in y.indices { y[i] += alpha * x[i] }
    }
}

/// The training data laid out for the objective: features with a trailing 1 (the bias), contiguous.
private struct Problem {
    let rows: [Float]
    let targets: [Int]
    let classes: Int
    let dimension: Int
    let l2: Double

    init(features: [[Float]], targets: [Int], classes: Int, dimension: Int, l2: Double) {
        var rows: [Float] = []
        rows.reserveCapacity(features.count * (dimension + 1))
        for x in features { rows += x; rows.append(1) }
        self.rows = rows
        self.targets = targets
        self.classes = classes
        self.dimension = dimension
        self.l2 = l2
    }

    /// The objective and its gradient at `w`.
    func evaluate(_ w: [Double]) -> (loss: Double, gradient: [Double]) {
        let stride = dimension + 1
        let weights = w.map(Float.init)
        var gradient = [Double](repeating: 0, count: w.count)
        var loss = 0.0
        var logits = [Double](repeating: 0, count: classes)
        rows.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { wf in
                gradient.withUnsafeMutableBufferPointer { grad in
                    for i in targets.indices {
                        let row = x.baseAddress! + i * stride
                        var top = -Double.infinity
                        for k in 0..<classes {
                            logits[k] = Double(Distance.dot(wf.baseAddress! + k * stride, row, count: stride))
                            top = max(top, logits[k])
                        }
                        var total = 0.0
                        for k in 0..<classes {
                            logits[k] = exp(logits[k] - top)
                            total += logits[k]
                        }
                        loss -= log(logits[targets[i]] / total)
                        for k in 0..<classes {
                            let residual = logits[k] / total - (k == targets[i] ? 1 : 0)
                            let g = grad.baseAddress! + k * stride
                            for j in 0..<stride { g[j] += residual * Double(row[j]) }
                        }
                    }
                }
            }
        }
        let n = Double(targets.count)
        loss /= n
        for k in 0..<classes {
            for j in 0..<stride {
                let index = k * stride + j
                gradient[index] /= n
                if j < dimension {
                    gradient[index] += l2 * w[index]
                    loss += 0.5 * l2 * w[index] * w[index]
                }
            }
        }
        return (loss, gradient)
    }
}
