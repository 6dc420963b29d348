import Foundation
import ZIPFoundation

/// One part of an Office package (`.xlsx`, `.docx`) read as text, for tests that check the XML
/// a program wrote.
public enum PackagePart {
    public static func text(_ part: String, in file: String) throws -> String {
        let archive = try Archive(url: URL(fileURLWithPath: file), accessMode: .read)
        guard let entry = archive[part] else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: part]) }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }
}
