import ArgumentParser
import Storage
import SyncCore

struct ResetSiteCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "reset-site",
        abstract: "给复制或从备份恢复的副本换一个新的站点 id (同步提示副本分叉时使用)。",
        discussion: """
        已同步过的内容保持不变; 尚未同步的修改以新站点的名义重新写入, 同步后与服务器上不同的值
        会作为冲突出现, 不会丢失。操作前会在原文件旁保存一份副本。
        """
    )

    static let examples = [
        "gongkai reset-site",
        "gongkai reset-site --yes --db /media/usb/village.sqlite",
    ]

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "不询问, 直接执行") var yes = false

    func run() throws {
        let opened = try replica.open()
        if !yes {
            guard Terminal.stdinIsInteractive else { throw CLIError.usage("换站点 id 需要确认: 加 --yes") }
            guard Prompting.confirm("确定给 \(opened.path) 换一个新的站点 id?") else {
                print("未更改")
                return
            }
        }
        var generator = SystemRandomNumberGenerator()
        let reset = try opened.syncing.resetSite(to: SiteID.random(using: &generator), now: WallClock.now())
        print("站点 id 已由 \(reset.oldSite) 改为 \(reset.newSite); 重新写入 \(reset.reissued) 条未同步的记录")
        print("原文件已保存为 \(reset.backupPath)")
        print("下一步: gongkai sync, 然后用 gongkai conflicts 处理出现的冲突")
    }
}
