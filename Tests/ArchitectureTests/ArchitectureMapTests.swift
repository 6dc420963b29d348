import Foundation
import Testing

/// The repository's root, from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func text(_ relativePath: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
}

/// Every Swift file under `directory` (relative to the root), with its text.
func swiftFiles(under directory: String) -> [(path: String, text: String)] {
    let base = repositoryRoot.appendingPathComponent(directory)
    guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
    return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.compactMap { url in
        (try? String(contentsOf: url, encoding: .utf8)).map { (url.path.replacingOccurrences(of: repositoryRoot.path + "/", with: ""), $0) }
    }
}

/// Each target's dependencies on other targets of the package (products of other packages left
/// out), read from Package.swift's text.
func packageTargets() throws -> [String: Set<String>] {
    let manifest = try text("Package.swift")
    let declaration = try Regex(#"\.(?:target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*"(\w+)""#)
    let starts = manifest.matches(of: declaration)
    var targets: [String: Set<String>] = [:]
    for (index, match) in starts.enumerated() {
        let end = index + 1 < starts.count ? starts[index + 1].range.lowerBound : manifest.endIndex
        var body = String(manifest[match.range.upperBound..<end])
        body = body.replacing(try Regex(#"\.product\([^)]*\)"#), with: "")
        let dependencies: Set<String>
        if let list = body.firstMatch(of: try Regex(#"dependencies:\s*\[([^\]]*)\]"#)) {
            let inside = String(list.output[1].substring ?? "")
            dependencies = Set(inside.matches(of: try Regex(#""(\w+)""#)).compactMap { $0.output[1].substring.map(String.init) })
        } else {
            dependencies = []
        }
        targets[String(match.output[1].substring ?? "")] = dependencies
    }
    return targets
}

@Suite("The architecture map is true")
struct ArchitectureMapTests {
    @Test("each module in docs/ARCHITECTURE.md depends on exactly the targets Package.swift gives it, and every source module is there")
    func dependencies() throws {
        // Given the map's module table and the manifest
        let map = try text("docs/ARCHITECTURE.md")
        let section = map.components(separatedBy: "## Modules")[1].components(separatedBy: "\n## ")[0]
        var documented: [String: Set<String>] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let module = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            documented[module] = cells[2] == "—" ? [] : Set(cells[2].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        let targets = try packageTargets()
        // Then every documented module has the manifest's dependencies
        #expect(documented.count >= 10)
        for (module, dependencies) in documented {
            #expect(targets[module] == dependencies, "docs/ARCHITECTURE.md: \(module) depends on \(dependencies.sorted()), Package.swift says \(targets[module].map { $0.sorted() } ?? [])")
        }
        // And every Swift module of the product is on the map (C wrappers and tests aside)
        let sourceModules = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Sources").path)
            .filter { !$0.hasPrefix("C") || $0 == "CLI" || $0 == "Codecs" }
        #expect(Set(sourceModules).subtracting(documented.keys).isEmpty, "not on the map: \(Set(sourceModules).subtracting(documented.keys).sorted())")
    }

    @Test("every type, member, file, folder and test docs/ARCHITECTURE.md names exists")
    func namesExist() throws {
        let map = try text("docs/ARCHITECTURE.md")
        let files = swiftFiles(under: "Sources") + swiftFiles(under: "Tests")
        let code = files.map(\.text).joined(separator: "\n")
        // Every name declared anywhere: types, functions, properties, cases.
        let declaration = try Regex(#"\b(?:struct|class|enum|protocol|actor|typealias|func|var|let|case)\s+`?([A-Za-z_][A-Za-z0-9_]*)"#)
        let names = Set(code.matches(of: declaration).compactMap { $0.output[1].substring.map(String.init) })
        func declared(_ name: String) -> Bool { names.contains(name) }
        var checked = 0
        for match in map.matches(of: try Regex(#"`([^`]+)`"#)) {
            let name = String(match.output[1].substring ?? "")
            if name.wholeMatch(of: try Regex(#"[A-Z][A-Za-z0-9]*"#)) != nil {
                // A type, or a module (a folder under Sources)
                let isModule = ["Sources", "Tests"].contains { FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent("\($0)/\(name)").path) }
                #expect(isModule || declared(name), "docs/ARCHITECTURE.md names `\(name)`, which is neither a type nor a module")
                checked += 1
            } else if let member = name.wholeMatch(of: try Regex(#"([A-Z][A-Za-z0-9]*)\.([A-Za-z][A-Za-z0-9]*)"#)) {
                let (type, inner) = (String(member.output[1].substring ?? ""), String(member.output[2].substring ?? ""))
                #expect(declared(type) && declared(inner), "docs/ARCHITECTURE.md names `\(name)`, which does not exist")
                checked += 1
            } else if name.hasPrefix("GONGKAI_") {
                #expect(code.contains("\"\(name)\""), "docs/ARCHITECTURE.md names \(name), which gongkai does not read")
                checked += 1
            } else if name.hasSuffix("/"), !name.hasPrefix("../") {
                #expect(files.map(\.path).contains { $0.contains("/\(name)") }, "docs/ARCHITECTURE.md names the folder \(name), which does not exist")
                checked += 1
            }
        }
        // Paths written out in the text
        for match in map.matches(of: try Regex(#"\b((?:Sources|Tests|docs)/[A-Za-z0-9_./+-]*[A-Za-z0-9/])"#)) {
            let path = String(match.output[1].substring ?? "")
            #expect(FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(path).path), "docs/ARCHITECTURE.md names \(path), which does not exist")
            checked += 1
        }
        #expect(checked >= 60, "the map names \(checked) things; the check is meant to cover them all")
    }

    @Test("SyncCore is pure: it imports no C library, no networking and no Foundation")
    func syncCoreIsPure() throws {
        let files = swiftFiles(under: "Sources/SyncCore")
        #expect(files.count >= 10)
        let allowed: Set<String> = ["Codecs", "Synchronization"]
        for file in files {
            for match in file.text.matches(of: try Regex(#"(?m)^\s*(?:@\w+\s+)?import\s+(\w+)"#)) {
                let module = String(match.output[1].substring ?? "")
                #expect(allowed.contains(module), "\(file.path) imports \(module)")
            }
        }
        #expect(try packageTargets()["SyncCore"] == ["Codecs"])
    }
}
