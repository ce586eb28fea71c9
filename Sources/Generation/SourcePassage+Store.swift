import Dataset
import Store

extension SourcePassage {
    /// A stored chunk as a passage: its id, document, text, scalar start and heading path.
    init(_ chunk: StoredChunk) {
        self.init(chunkID: chunk.id, document: chunk.documentPath, text: chunk.text,
                  start: chunk.characterRange.lowerBound, headingPath: chunk.headingPath.joined(separator: " > "))
    }
}

extension DatasetLine {
    /// Reads every line of `path`, looking chunk ids up in `store` (`storePath` names it in errors).
    public static func read(_ path: String, store: CorpusStore?, storePath: String?) throws -> [DatasetLine] {
        try read(path, chunks: store.map { store in
            { ids in
                let byID = Dictionary(try store.chunks(ids: ids).map { ($0.id, $0) }) { first, _ in first }
                return ids.compactMap { byID[$0] }.map(SourcePassage.init)
            }
        }, database: storePath)
    }
}
