import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds the files to ingest under the paths given: files as given, directories walked recursively (hidden
/// files and directories skipped), filtered by globs, sorted.
///
/// Symbolic links are followed only to files inside the paths given (never to directories, so a walk cannot
/// loop), and a file reached twice is taken once. The walker never returns the files it is told are rag's own
/// (the target database, its `-wal`/`-shm`/`-journal` files and its index).
public struct FileWalker: Sendable {
    /// `fnmatch(3)` patterns; a file is taken when it matches any (or when there are none). Patterns are
    /// tried against the path relative to the root given and against the file name, so `*.html` and
    /// `ref/*.html` both work.
    public var includes: [String]
    /// Patterns that drop a file (same matching as `includes`).
    public var excludes: [String]
    /// Absolute paths never returned, wherever they sit.
    public var ownFiles: Set<String>

    public init(includes: [String] = [], excludes: [String] = [], ownFiles: Set<String> = []) {
        self.includes = includes
        self.excludes = excludes
        self.ownFiles = Set(ownFiles.map { Self.resolved(Self.absolute($0)) })
    }

    /// What a walk found: the files to read, and the entries passed over with the reason.
    public struct Walk: Sendable {
        public var files: [String]
        /// Links that lead outside the paths given, or to a directory.
        public var skipped: [FileProblem]
    }

    /// The absolute, standardised paths of the files under `roots`, sorted, without duplicates.
    /// - Throws: ``IngestError/pathNotFound(path:)`` for a root that does not exist.
    public func files(under roots: [String]) throws -> [String] {
        try walk(under: roots).files
    }

    /// The files under `roots` and what was passed over.
    /// - Throws: ``IngestError/pathNotFound(path:)`` for a root that does not exist.
    public func walk(under roots: [String]) throws -> Walk {
        var found: [String: String] = [:]   // real path -> the path it was found under (the first in order)
        var skipped: [FileProblem] = []
        let manager = FileManager.default
        let realRoots = try roots.map { root -> String in
            let absolute = Self.absolute(root)
            guard manager.fileExists(atPath: absolute) else { throw IngestError.pathNotFound(path: root) }
            return Self.resolved(absolute)
        }
        func take(_ path: String, real: String) {
            guard !ownFiles.contains(real) else { return }
            if let earlier = found[real], earlier <= path { return }
            found[real] = path
        }
        for root in roots {
            let absolute = Self.absolute(root)
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: absolute, isDirectory: &isDirectory)
            if !isDirectory.boolValue {
                take(absolute, real: Self.resolved(absolute))   // a file named explicitly is taken whatever the globs say
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
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                let kind = status.st_mode & S_IFMT
                if kind == S_IFDIR { continue }
                guard accepts(relative: relative, name: name) else { continue }
                if kind == S_IFLNK {
                    let real = Self.resolved(path)
                    var isDir: ObjCBool = false
                    guard manager.fileExists(atPath: real, isDirectory: &isDir) else {
                        skipped.append(FileProblem(path: path, reason: "broken symbolic link"))
                        continue
                    }
                    if isDir.boolValue {
                        enumerator.skipDescendants()
                        skipped.append(FileProblem(path: path, reason: "symbolic link to a directory (not followed)"))
                    } else if realRoots.contains(where: { real == $0 || real.hasPrefix($0 + "/") }) {
                        take(path, real: real)
                    } else {
                        skipped.append(FileProblem(path: path, reason: "symbolic link outside the paths given"))
                    }
                    continue
                }
                guard kind == S_IFREG else { continue }
                take(path, real: Self.resolved(path))
            }
        }
        return Walk(files: found.values.sorted(), skipped: skipped)
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

    /// `path` with every symbolic link resolved (`realpath(3)`). A file that does not exist yet (a database's
    /// `-wal`) is resolved through its directory.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, directory != path, let real = realpath(directory, nil) else { return path }
        defer { free(real) }
        return String(cString: real) + "/" + (path as NSString).lastPathComponent
    }
}
