import ArgumentParser
import Foundation
import Storage
import SyncCore

struct SyncCommand: AsyncParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "与另一个副本同步: 推送本机的修改, 拉取本单位可见的修改。",
        discussion: """
        --with 指定另一个副本文件 (例如 U 盘上乡镇的副本), 在本机直接同步, 不需要网络。
        中途中断不会丢失或重复任何记录, 再次运行会从上次完成的批次继续。
        """
    )

    static let examples = [
        "gongkai sync --with /media/usb/town.sqlite",
    ]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("另一个副本文件", valueName: "PATH")) var with: String?
    @Option(help: ArgumentHelp("每批记录数", valueName: "N")) var batchSize: Int = 500

    func run() async throws {
        guard let with else { throw CLIError.usage("请用 --with 指定要同步的另一个副本文件") }
        let local = try replica.open()
        let other = try Replica.open(at: with, now: WallClock.now())
        let identity = try local.identity()
        guard identity.site != (try other.identity()).site else {
            throw CLIError.failure("两个文件的站点 id 相同 (\(identity.site)): 一个是另一个的复制品; 请在复制品上运行 gongkai reset-site")
        }
        // A township replica may read and write everything; any other only its own unit.
        let scope = identity.unit.isTownship ? SyncScope.everything
            : SyncScope(readable: [identity.unit.code], writable: [identity.unit.code])
        let transport = InProcessTransport(service: SyncService(store: other), scope: scope, clock: { WallClock.now() })
        let report = try await SyncOutcome.run(SyncClient(store: local, transport: transport, batchSize: batchSize, clock: { WallClock.now() }))
        print(SyncOutcome.summary(report))
    }
}

/// Running a sync and telling the user how it went.
enum SyncOutcome {
    static func run(_ client: SyncClient) async throws -> SyncReport {
        do {
            let report = try await client.sync { progress in
                Terminal.progress("同步中: 已推送 \(progress.pushed), 已拉取 \(progress.pulled)")
            }
            Terminal.endProgress()
            for refusal in report.refused {
                Terminal.error("未被接受: \(refusal.kind) \(refusal.id): \(refusal.reason)")
            }
            return report
        } catch let refused as SyncRefused {
            throw CLIError.failure("同步被拒绝: \(refused.description)")
        }
    }

    /// The final line the contract fixes.
    static func summary(_ report: SyncReport) -> String {
        "synced: pushed \(report.pushed), pulled \(report.pulled), conflicts \(report.conflicts)"
    }
}
