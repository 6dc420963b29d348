import Records

/// A kind's records as a worksheet: the export's columns (`id`, `unit`, then the kind's
/// fields), each cell typed by its field: dates as dates, amounts, counts and years as numbers,
/// the rest (codes and ids included) as text.
public enum RecordSheet {
    /// `rows`: each record's export fields, as the CSV export writes them.
    public static func workbook(kind: RecordKind, chineseHeaders: Bool, rows: [[String]]) -> WorkbookWriter {
        let types: [FieldType?] = [nil, nil] + kind.fields.map(\.type)
        let cells = rows.map { fields in
            fields.enumerated().map { index, value -> WorkbookWriter.Cell in
                guard !value.isEmpty else { return .empty }
                switch index < types.count ? types[index] : nil {
                case .date?: return .date(value)
                case .money?, .count?, .year?: return .number(value)
                default: return .text(value)
                }
            }
        }
        return WorkbookWriter(sheetName: kind.label, header: chineseHeaders ? kind.chineseCSVHeaders : kind.csvColumns, rows: cells)
    }
}
