import Records

/// Each official table as CSV for spreadsheets: one block per table, a title line first, the
/// blocks separated by an empty line. Numbers bare (amounts in the unit the header names).
public enum CSVRenderer {
    public static func render(_ report: AnnualReport) -> String {
        var writer = CSVWriter()
        writer.write([report.title])
        writer.write([])
        writer.write([AnnualReport.headings[1]])
        for group in report.table2.groups {
            writer.write([group.label] + group.columns.map { column in column.key == "amount_yuan" ? "\(column.text)（元）" : column.text })
            for row in group.rows { writer.write([row.label.text] + row.cells.map(\.number)) }
        }
        writer.write([])
        writer.write([AnnualReport.headings[2]])
        writer.write(["项目", "", ""] + Table3.columns.map(\.text))
        for row in report.table3.rows {
            let labels = row.headings.count == 0 ? [row.label.text, "", ""]
                : row.headings.count == 1 ? [row.headings[0], row.label.text, ""] : [row.headings[0], row.headings[1], row.label.text]
            writer.write(labels + row.values.map(String.init))
        }
        writer.write([])
        writer.write([AnnualReport.headings[3]])
        writer.write([""] + Table4.cells.map(\.text))
        for group in report.table4.groups { writer.write([group.group.label] + group.values.map(String.init)) }
        return writer.output
    }
}
