import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds the files to ingest under the paths given: files as given, directories walked recursively (hidden
/// files and directories skipped, symbolic links to files followed), filtered by globs, sorted.
public struct FileWalker: Sendable {
    /// `fnmatch(3)` patterns; a file is taken when it matches any (or when there are none). Patterns are
    /// tried against the path relative to the root given and against the file name, so `*.html` and
    /// `ref/*.html` both work.
    public var includes: [String]
    /// Patterns that drop a file (same matching as `includes`).
    public var excludes: [String]

    public init(includes: [String] = [], excludes: [String] = []) {
        self.includes = includes
        self.excludes = excludes
    }

    /// The absolute, standardised paths of the files under `roots`, sorted, without duplicates.
    /// - Throws: ``IngestError/pathNotFound(path:)`` for a root that does not exist.
    public func files(under roots: [String]) throws -> [String] {
        var found: Set<String> = []
        let manager = FileManager.default
        for root in roots {
            let absolute = Self.absolute(root)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
                throw IngestError.pathNotFound(path: root)
            }
            if !isDirectory.boolValue {
                found.insert(absolute)   // a file named explicitly is taken whatever the globs say
                continue
            }
            guard let enumerator = manager.enumerator(atPath: absolute) else {
                throw IngestError.unreadable(path: root, reason: "cannot list directory")
            }
            while let relative = enumerator.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    enumerator.skipDescendants()
                    continue
                }
                let path = absolute + "/" + relative
                var isDir: ObjCBool = false
                guard manager.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
                if accepts(relative: relative, name: name) { found.insert(path) }
            }
        }
        return found.sorted()
    }

    /// Whether the globs let a file through.
    public func accepts(relative: String, name: String) -> Bool {
        func matches(_ pattern: String) -> Bool {
            fnmatch(pattern, relative, 0) == 0 || fnmatch(pattern, name, 0) == 0
        }
        if !includes.isEmpty && !includes.contains(where: matches) { return false }
        return !excludes.contains(where: matches)
    }

    /// `path` made absolute against the working directory and standardised.
    public static func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        var standardized = url.standardizedFileURL.path
        while standardized.count > 1 && standardized.hasSuffix("/") { standardized.removeLast() }
        return standardized
    }
}
