import Dataset
import Store

extension DatasetLine {
    /// Reads every line of `path`, looking chunk ids up in `store` (`storePath` names it in errors).
    public static func read(_ path: String, store: CorpusStore?, storePath: String?) throws -> [DatasetLine] {
        try read(path, chunks: store.map { store in
            { ids in
                let byID = Dictionary(try store.chunks(ids: ids).map { ($0.id, $0) }) { first, _ in first }
                return ids.compactMap { byID[$0] }.map {
                    SourcePassage(chunkID: $0.id, document: $0.documentPath, text: $0.text,
                                  start: $0.characterRange.lowerBound, headingPath: $0.headingPath.joined(separator: " > "))
                }
            }
        }, database: storePath)
    }
}
