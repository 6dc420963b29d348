import Foundation

/// A requests ledger in the shape Excel writes one (built here part by part, not saved by Excel):
/// a hidden helper sheet first, then 登记表 with a title merged across the columns, the header in
/// shared strings, dates as serial numbers in a date format (with `badDate`, one typed as text
/// that is no date), a name in rich text with phonetic runs, an inline string, a formula's cached
/// value, and with `errorCell` a formula's error; below the data, rows numbered in 序号 and
/// nothing else, as a ledger's blank page has.
public func excelLedger(badDate: Bool = false, errorCell: Bool = false, date1904: Bool = false) throws -> Data {
    let strings = ["2021年依申请公开登记台账", "序号", "收到日期", "申请人类型", "申请人", "申请内容", "办结日期", "办理结果", "信息处理费（元）",
                   "自然人", "商业企业", "2020年低保户名单", "予以公开", "部分公开", "厂房租赁合同"]
    let rich = """
        <si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve">三</t></r><rPh sb="0" eb="1"><t>ZHANG</t></rPh></si>
        """
    var sharedXML = strings.map { "<si><t>\(WorkbookBuilder.escaped($0))</t></si>" }.joined() + rich
    sharedXML = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <sst xmlns="\(WorkbookBuilder.main)" count="16" uniqueCount="16">\(sharedXML)</sst>
        """
    let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="\(WorkbookBuilder.main)" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac">\
        <numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14" fontId="0"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0" applyNumberFormat="1"/>\
        <xf numFmtId="176" fontId="0" applyNumberFormat="1"/><xf numFmtId="2" fontId="0" applyNumberFormat="1"/></cellXfs></styleSheet>
        """
    let offset = date1904 ? 1462.0 : 0
    func day(_ serial: Double) -> String { String(Int(serial - offset)) }
    let rows = """
        <row r="1" spans="1:8" ht="27" customHeight="1" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c></row>\
        <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="s"><v>4</v></c>\
        <c r="E2" t="s"><v>5</v></c><c r="F2" t="s"><v>6</v></c><c r="G2" t="s"><v>7</v></c><c r="H2" t="s"><v>8</v></c></row>\
        <row r="3"><c r="A3"><v>1</v></c>\(badDate ? "<c r=\"B3\" t=\"inlineStr\"><is><t>2021-13-01</t></is></c>" : "<c r=\"B3\" s=\"1\"><v>\(day(44257))</v></c>")<c r="C3" t="s"><v>9</v></c>\
        <c r="D3" t="s"><v>15</v></c><c r="E3" t="s"><v>11</v></c><c r="F3" s="2"><v>\(day(44275))</v></c>\
        \(errorCell ? "<c r=\"G3\" t=\"e\"><f>VLOOKUP(A3,X!A:B,2,0)</f><v>#N/A</v></c>" : "<c r=\"G3\" t=\"s\"><v>12</v></c>")\
        <c r="H3" s="3"><v>10.000000000000002</v></c></row>\
        <row r="4"><c r="A4"><f>A3+1</f><v>2</v></c><c r="B4" s="1"><v>\(day(44558))</v></c><c r="C4" t="s"><v>10</v></c>\
        <c r="D4" t="inlineStr"><is><t>某某建材有限公司</t></is></c><c r="E4" t="str"><f>"厂房"&amp;"租赁合同"</f><v>厂房租赁合同</v></c></row>\
        <row r="5"><c r="A5" s="1"/></row><row r="6"><c r="A6"><v>3</v></c></row><row r="7"><c r="A7"><v>4</v></c><c r="B7" s="1"/></row>
        """
    var builder = WorkbookBuilder(sheets: [
        .init(name: "说明", xml: WorkbookBuilder.worksheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>填表说明</t></is></c></row>"), hidden: true),
        .init(name: "登记表", xml: WorkbookBuilder.worksheet(rows, extraNamespaces: " xmlns:x14ac=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac\"")
              .replacingOccurrences(of: "</sheetData>", with: "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:H1\"/></mergeCells>")),
    ], stylesXML: styles)
    builder.sharedStringsXML = sharedXML
    builder.date1904 = date1904
    return try builder.data()
}
