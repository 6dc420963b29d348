import Records

/// An official table laid out once, cell by cell with its spans, for every renderer that draws
/// merged cells (HTML's rowspan/colspan, Word's gridSpan/vMerge).
public struct TableGrid: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// A column or group heading.
        case header
        /// The long note over table 3's labels (printed smaller).
        case note
        /// A row's label, set to the left.
        case label
        /// A number.
        case number
        /// A cell left blank (the official form has nothing there).
        case blank
        /// A heading cell left blank.
        case blankHeader
    }

    public struct Cell: Sendable, Equatable {
        public let text: String
        public let role: Role
        public let columnSpan: Int
        public let rowSpan: Int

        public init(_ text: String, _ role: Role, columns: Int = 1, rows: Int = 1) {
            self.text = text
            self.role = role
            columnSpan = columns
            rowSpan = rows
        }
    }

    /// Each row's cells that start in it (a cell spanning rows appears once, in its first row).
    public let rows: [[Cell]]
    /// How many grid columns the table has.
    public let width: Int

    public init(rows: [[Cell]], width: Int) {
        self.rows = rows
        self.width = width
    }

    /// Table 2: each group a heading row, a row of column headings and its rows of numbers; a
    /// group with fewer columns leaves the rest blank, as the official form does.
    public static func table2(_ table: Table2) -> TableGrid {
        let width = (table.groups.map(\.columns.count).max() ?? 0) + 1
        var rows: [[Cell]] = []
        for group in table.groups {
            let blank = width - group.columns.count - 1
            rows.append([Cell(group.label, .header, columns: width)])
            rows.append([Cell("信息内容", .header)] + group.columns.map { Cell($0.text, .header) }
                        + (blank > 0 ? [Cell("", .blankHeader, columns: blank)] : []))
            for row in group.rows {
                rows.append([Cell(row.label.text, .label)] + row.cells.map { Cell($0.text, .number) }
                            + (blank > 0 ? [Cell("", .blank, columns: blank)] : []))
            }
        }
        return TableGrid(rows: rows, width: width)
    }

    /// Table 3: 申请人情况 over the seven columns, 法人或其他组织 over five; the results block
    /// with its headings spanning their rows.
    public static func table3(_ table: Table3) -> TableGrid {
        var rows: [[Cell]] = [
            [Cell(Table3.note, .note, columns: 3, rows: 3), Cell("申请人情况", .header, columns: 7)],
            [Cell("自然人", .header, rows: 2), Cell("法人或其他组织", .header, columns: 5), Cell("总计", .header, rows: 2)],
            ApplicantType.allCases.dropFirst().map { Cell($0.label, .header) },
        ]
        let resultRows = table.rows.filter { $0.headings.first == Table3Layout.results }
        var emitted: Set<String> = []
        for row in table.rows {
            var labels: [Cell] = []
            if row.headings.isEmpty {
                labels = [Cell(row.label.text, .label, columns: 3)]
            } else {
                let outer = row.headings[0]
                if !emitted.contains(outer) {
                    emitted.insert(outer)
                    labels.append(Cell(outer, .label, rows: resultRows.count))
                }
                if row.headings.count == 1 {
                    labels.append(Cell(row.label.text, .label, columns: 2))
                } else {
                    let inner = row.headings[1]
                    if !emitted.contains(inner) {
                        emitted.insert(inner)
                        labels.append(Cell(inner, .label, rows: table.rows.filter { $0.headings.count > 1 && $0.headings[1] == inner }.count))
                    }
                    labels.append(Cell(row.label.text, .label))
                }
            }
            rows.append(labels + row.values.map { Cell(String($0), .number) })
        }
        return TableGrid(rows: rows, width: 10)
    }

    /// Table 4: 行政复议 over five cells, 行政诉讼 over ten, in one row of numbers.
    public static func table4(_ table: Table4) -> TableGrid {
        TableGrid(rows: [
            [Cell("行政复议", .header, columns: 5), Cell("行政诉讼", .header, columns: 10)],
            Table4.cells.map { Cell($0.text, .header, rows: 2) } + [Cell("未经复议直接起诉", .header, columns: 5), Cell("复议后起诉", .header, columns: 5)],
            (Table4.cells + Table4.cells).map { Cell($0.text, .header) },
            table.groups.flatMap(\.values).map { Cell(String($0), .number) },
        ], width: 15)
    }
}
