import Codecs

/// A JSON value with its object keys in a chosen order, written deterministically: the same
/// value always gives the same bytes. Numbers are kept as their exact decimal text.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as exact decimal text (`1234.5`, `82`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    public static func integer<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }

    public static func optionalString(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// Pretty-printed with two-space indents, or compact on one line.
    public func rendered(pretty: Bool = true) -> String {
        var output = JSONWriter()
        write(to: &output, indent: pretty ? 0 : nil)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    private func write(to output: inout JSONWriter, indent: Int?) {
        switch self {
        case .null: output.raw("null")
        case .bool(let value): output.bool(value)
        case .number(let text): output.raw(text)
        case .string(let text): output.string(text)
        case .array(let items):
            writeContainer(open: "[", close: "]", count: items.count, to: &output, indent: indent) { index, output, inner in
                items[index].write(to: &output, indent: inner)
            }
        case .object(let pairs):
            writeContainer(open: "{", close: "}", count: pairs.count, to: &output, indent: indent) { index, output, inner in
                output.string(pairs[index].0)
                output.raw(inner == nil ? ":" : ": ")
                pairs[index].1.write(to: &output, indent: inner)
            }
        }
    }

    private func writeContainer(open: StaticString, close: StaticString, count: Int, to output: inout JSONWriter, indent: Int?,
                                element: (Int, inout JSONWriter, Int?) -> Void) {
        output.raw(open)
        guard count > 0 else { output.raw(close); return }
        let inner = indent.map { $0 + 2 }
        for index in 0..<count {
            if index > 0 { output.raw(",") }
            if let inner { output.raw("\n" + String(repeating: " ", count: inner)) }
            element(index, &output, inner)
        }
        if let indent { output.raw("\n" + String(repeating: " ", count: indent)) }
        output.raw(close)
    }
}
