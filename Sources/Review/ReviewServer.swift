import FlyingFox
import Foundation
import Store

/// The local review server: serves ``ReviewPage`` on 127.0.0.1 and stores every click in the database
/// (each review in its own transaction, so killing the server loses nothing already saved).
///
/// Routes: `GET /` (the page; `?filter=` and `?page=`), `POST /api/review` (`{"sample_id", "reviewer",
/// "verdict": "accept"|"reject", "edited"?: {FIELD: TEXT}, "note"?}`), `DELETE /api/review` (undo:
/// `{"sample_id", "reviewer"}`), `GET /api/samples`, `GET /api/agreement`, `GET /export.jsonl`.
public final class ReviewServer: Sendable {
    public let dataset: ReviewDataset
    public let store: CorpusStore
    /// The reviewer name the page starts with.
    public let defaultReviewer: String
    /// Samples per page.
    public let pageSize: Int
    let server: HTTPServer

    /// Prepares a server on 127.0.0.1:`port` (0 picks a free port); ``run()`` starts it.
    public init(dataset: ReviewDataset, store: CorpusStore, port: UInt16 = 0, reviewer: String = "",
                pageSize: Int = 100) throws {
        self.dataset = dataset
        self.store = store
        defaultReviewer = reviewer
        self.pageSize = max(1, pageSize)
        do {
            server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 30, logger: .disabled)
        } catch {
            throw ReviewError.cannotListen(reason: "\(error)")
        }
    }

    /// Serves until the task is cancelled or the process ends.
    public func run() async throws {
        await addRoutes()
        do { try await server.run() } catch is CancellationError {} catch {
            throw ReviewError.cannotListen(reason: "\(error)")
        }
    }

    /// The address once listening (waits up to `timeout` seconds).
    public func url(timeout: TimeInterval = 10) async throws -> String {
        try await server.waitUntilListening(timeout: timeout)
        guard case .ip4(let host, let port)? = await server.listeningAddress else {
            throw ReviewError.cannotListen(reason: "no IPv4 listening address")
        }
        return "http://\(host):\(port)/"
    }

    /// Stops serving.
    public func stop() async { await server.stop(timeout: 1) }

    private func addRoutes() async {
        await server.appendRoute("GET /") { [self] request in
            try page(request)
        }
        await server.appendRoute("POST /api/review") { [self] request in
            await respond { try review(try await request.bodyData) }
        }
        await server.appendRoute("DELETE /api/review") { [self] request in
            await respond { try undo(try await request.bodyData) }
        }
        await server.appendRoute("GET /api/agreement") { [self] _ in
            await respond { try Self.json(agreement()) }
        }
        await server.appendRoute("GET /api/samples") { [self] _ in
            await respond { try samples() }
        }
        await server.appendRoute("GET /export.jsonl") { [self] request in
            let reviews = try store.reviews(dataset: dataset.name)
            let lines = try ReviewExport.lines(dataset: dataset, reviews: reviews,
                                           includeUnreviewed: request.query["unreviewed"] == "1")
            let name = dataset.name.hasSuffix(".jsonl") ? String(dataset.name.dropLast(6)) : dataset.name
            return HTTPResponse(statusCode: .ok, headers: [
                .contentType: "application/x-ndjson; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(name).reviewed.jsonl\"",
            ], body: Data(lines.map { $0 + "\n" }.joined().utf8))
        }
    }

    func agreement() throws -> ReviewAgreement {
        ReviewAgreement(dataset: dataset, reviews: try store.reviews(dataset: dataset.name))
    }

    func page(_ request: HTTPRequest) throws -> HTTPResponse {
        let reviews = try store.reviews(dataset: dataset.name)
        let filter = request.query["filter"] ?? "all"
        let bySample = Dictionary(grouping: reviews, by: \.sampleID)
        let selected = dataset.items.filter { item in
            let verdict = ReviewAgreement.majority(bySample[item.id] ?? [])
            switch filter {
            case "unreviewed": return bySample[item.id] == nil
            case "kept": return item.automaticallyKept
            case "rejected": return !item.automaticallyKept
            case "accepted": return verdict == .accept
            case "disagreements":
                guard let verdict else { return false }
                return (verdict == .accept) != item.automaticallyKept
            default: return true
            }
        }
        let pageCount = max(1, (selected.count + pageSize - 1) / pageSize)
        let pageNumber = min(max(1, Int(request.query["page"] ?? "") ?? 1), pageCount)
        let items = Array(selected.dropFirst((pageNumber - 1) * pageSize).prefix(pageSize))
        let html = ReviewPage.html(dataset: dataset, items: items, reviews: reviews,
                                   agreement: ReviewAgreement(dataset: dataset, reviews: reviews),
                                   reviewer: defaultReviewer, page: pageNumber, pageCount: pageCount, filter: filter)
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(html.utf8))
    }

    /// Stores one review and answers with the sample's new status and the page summary.
    func review(_ body: Data) throws -> HTTPResponse {
        let object = try Self.object(body)
        let (item, reviewer) = try target(object)
        guard let verdictText = object["verdict"] as? String, let verdict = SampleReview.Verdict(rawValue: verdictText) else {
            throw ReviewError.badRequest("\"verdict\" must be \"accept\" or \"reject\"")
        }
        var edited: String?
        if let changes = object["edited"] as? [String: Any], !changes.isEmpty {
            let known = Set(item.fields.map(\.name))
            for (key, value) in changes {
                guard known.contains(key) else { throw ReviewError.badRequest("sample \(item.id) has no editable field \"\(key)\"") }
                guard value is String else { throw ReviewError.badRequest("edited field \"\(key)\" must be a string") }
            }
            let data = try JSONSerialization.data(withJSONObject: changes, options: [.sortedKeys])
            edited = String(decoding: data, as: UTF8.self)
        } else if object["edited"] != nil, !(object["edited"] is NSNull), !(object["edited"] is [String: Any]) {
            throw ReviewError.badRequest("\"edited\" must be an object of field names to texts")
        }
        try store.record(review: SampleReview(dataset: dataset.name, sampleID: item.id, reviewer: reviewer,
                                              verdict: verdict, edited: edited, note: (object["note"] as? String) ?? "",
                                              automaticallyKept: item.automaticallyKept))
        return try status(of: item)
    }

    func undo(_ body: Data) throws -> HTTPResponse {
        let object = try Self.object(body)
        let (item, reviewer) = try target(object)
        try store.removeReview(dataset: dataset.name, sampleID: item.id, reviewer: reviewer)
        return try status(of: item)
    }

    func samples() throws -> HTTPResponse {
        let reviews = Dictionary(grouping: try store.reviews(dataset: dataset.name), by: \.sampleID)
        let list: [[String: Any]] = dataset.items.map { item in
            [
                "id": item.id, "type": item.type, "automatic": item.automaticallyKept ? "kept" : "rejected",
                "status": ReviewAgreement.status(reviews[item.id] ?? []),
                "fields": Dictionary(item.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
            ]
        }
        return try Self.jsonResponse(["dataset": dataset.name, "samples": list])
    }

    private func status(of item: ReviewItem) throws -> HTTPResponse {
        let reviews = try store.reviews(dataset: dataset.name)
        let mine = reviews.filter { $0.sampleID == item.id }
        let agreement = ReviewAgreement(dataset: dataset, reviews: reviews)
        return try Self.jsonResponse([
            "sample_id": item.id, "status": ReviewAgreement.status(mine),
            "reviews": ReviewAgreement.reviewerLine(mine),
            "summary": ReviewPage.summary(agreement),
        ])
    }

    private func target(_ object: [String: Any]) throws -> (ReviewItem, String) {
        guard let id = object["sample_id"] as? String else { throw ReviewError.badRequest("\"sample_id\" is missing") }
        guard let item = dataset.item(id: id) else { throw ReviewError.unknownSample(id: id) }
        let reviewer = ((object["reviewer"] as? String) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reviewer.isEmpty, reviewer.count <= 100 else {
            throw ReviewError.badRequest("\"reviewer\" must be a name of 1 to 100 characters")
        }
        return (item, reviewer)
    }

    private func respond(_ body: () async throws -> HTTPResponse) async -> HTTPResponse {
        do { return try await body() } catch let error as ReviewError {
            let code: HTTPStatusCode = if case .unknownSample = error { .notFound } else { .badRequest }
            return (try? Self.jsonResponse(["error": error.description], status: code)) ?? HTTPResponse(statusCode: code)
        } catch {
            return (try? Self.jsonResponse(["error": "\(error)"], status: .internalServerError))
                ?? HTTPResponse(statusCode: .internalServerError)
        }
    }

    static func object(_ body: Data) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ReviewError.badRequest("the request body must be a JSON object")
        }
        return object
    }

    static func json(_ value: some Encodable) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: try encoder.encode(value))
    }

    static func jsonResponse(_ object: [String: Any], status: HTTPStatusCode = .ok) throws -> HTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: data)
    }
}
