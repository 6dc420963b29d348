import Records

/// Asks for values that are required but were not given: at a terminal, in Chinese, with the
/// valid choices listed; otherwise it fails with a message naming the missing options.
enum Prompting {
    /// A plain required option (not a record field).
    static func require(_ value: String?, option: String, label: String, example: String) throws -> String {
        if let value, !value.trimmingSpaces().isEmpty { return value.trimmingSpaces() }
        guard Terminal.stdinIsInteractive else {
            throw CLIError.usage("缺少 \(option) (\(label)); 例如 \(option) \(example)")
        }
        while true {
            guard let answer = Terminal.prompt("\(label) (例如 \(example)): ") else { throw CLIError.usage("已取消: 没有输入\(label)") }
            let trimmed = answer.trimmingSpaces()
            if !trimmed.isEmpty { return trimmed }
        }
    }

    /// Fills `input` with every field of `required` that is missing, asking at a terminal.
    /// Without a terminal, lists all missing options at once.
    /// `flags` names a field's option where the command spells it its own way (`conclude --on`).
    static func complete(_ input: inout [String: String], required fields: [FieldSpec], command: String,
                         flags: [String: String] = [:]) throws {
        let missing = fields.filter { (input[$0.name] ?? "").trimmingSpaces().isEmpty }
        guard !missing.isEmpty else { return }
        guard Terminal.stdinIsInteractive else {
            let flag = { (field: FieldSpec) in flags[field.name] ?? optionName(field.name) }
            let options = missing.map { "\(flag($0)) (\($0.label))" }.joined(separator: ", ")
            let example = missing.map { "\(flag($0)) \(quoted($0.example))" }.joined(separator: " ")
            throw CLIError.usage("缺少必填项: \(options)。例如: \(command) \(example)")
        }
        for field in missing {
            input[field.name] = try ask(field)
        }
    }

    /// At a terminal only: asks for each of `fields` not given, which may be left empty (Enter).
    static func offer(_ input: inout [String: String], _ fields: [FieldSpec]) throws {
        guard Terminal.stdinIsInteractive else { return }
        for field in fields where (input[field.name] ?? "").trimmingSpaces().isEmpty {
            let answer = try ask(field)
            if !answer.isEmpty { input[field.name] = answer }
        }
    }

    /// Asks for one field until the answer is valid. Enumerations may be answered by number.
    static func ask(_ field: FieldSpec) throws -> String {
        var question = field.label
        if let choice = field.choice {
            // Numbered in one run, under the official table's headings where it has them.
            var lines: [String] = []
            var heading: String?
            for (index, option) in choice.options.enumerated() {
                if let group = option.group, group != heading { lines.append("  \(group)") }
                heading = option.group
                lines.append((option.group == nil ? "  " : "      ") + "\(index + 1). \(option.label) (\(option.key))")
            }
            Terminal.error("\(field.label) 可选:\n" + lines.joined(separator: "\n"))
            if case .choices = field.type { question += " (填编号或名称, 多个用 ; 分隔)" } else { question += " (填编号或名称)" }
        } else if !field.example.isEmpty {
            question += " (例如 \(field.example))"
        }
        if !field.isRequired { question += " [可不填, 直接回车]" }
        while true {
            guard let answer = Terminal.prompt(question + ": ") else { throw CLIError.usage("已取消: 没有输入\(field.label)") }
            var text = answer.trimmingSpaces()
            if let choice = field.choice {
                // Numbers pick options: "1" or "1;3".
                let parts = text.split(whereSeparator: { $0 == ";" || $0 == "；" || $0 == "," || $0 == "，" }).map { String($0).trimmingSpaces() }
                if !parts.isEmpty, parts.allSatisfy({ Int($0).map { (1...choice.options.count).contains($0) } ?? false }) {
                    text = parts.map { choice.options[Int($0)! - 1].key }.joined(separator: ";")
                }
            }
            if text.isEmpty && !field.isRequired { return "" }
            switch field.normalize(text) {
            case .success(let value?): return value
            case .success(nil): Terminal.error("\(field.label) 不能为空")
            case .failure(let problem): Terminal.error(problem.message)
            }
        }
    }

    /// `published_on` → `--published-on`.
    static func optionName(_ field: String) -> String {
        "--" + field.replacingOccurrences(of: "_", with: "-")
    }

    static func quoted(_ text: String) -> String {
        text.contains(where: { $0 == " " || $0 == ";" }) ? "\"\(text)\"" : text
    }

    /// Asks yes or no at a terminal; false when no one can answer.
    static func confirm(_ question: String) -> Bool {
        guard Terminal.stdinIsInteractive, let answer = Terminal.prompt(question + " [y/N]: ") else { return false }
        return ["y", "yes", "是", "确认"].contains(answer.trimmingSpaces().lowercased())
    }
}
