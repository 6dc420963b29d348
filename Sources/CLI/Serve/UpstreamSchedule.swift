import Foundation
import Logging
import Storage
import SyncCore
import SyncHTTP

/// `serve --upstream URL --upstream-token T --every 10m`: the township's server syncs up to its
/// county from the serving process itself, at once and then every so often, exactly as
/// `gongkai sync --db town.sqlite` would. A failed round is logged and tried again next time;
/// it never stops the serving.
struct UpstreamSchedule: Sendable {
    let replica: Replica
    let url: String
    let token: String
    let caCertificate: String?
    let seconds: Int

    /// The shortest interval taken: a county is not polled by the second.
    static let shortest = 10

    /// `90`, `90s`, `10m`, `2h`: seconds, or nil when it is none of these.
    static func seconds(of text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = trimmed.last else { return nil }
        let (digits, unit) = units[last].map { (trimmed.dropLast(), $0) } ?? (Substring(trimmed), 1)
        guard let count = Int(digits), count > 0 else { return nil }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: unit)
        return overflow ? nil : seconds
    }

    /// Syncs now and then every `seconds`, until cancelled.
    func run(logger: Logger) async {
        while !Task.isCancelled {
            await once(logger: logger)
            do { try await Task.sleep(for: .seconds(seconds)) } catch { return }
        }
    }

    func once(logger: Logger) async {
        var generator = SystemRandomNumberGenerator()
        let configuration = HTTPClientConfiguration(baseURL: url, token: token, session: String(generator.next() as UInt64, radix: 36),
                                                    caCertificatePath: caCertificate)
        let transport = CurlTransport(configuration: configuration)
        do {
            let report = try await SyncClient(store: replica.syncing, transport: transport, clock: { WallClock.now() }).sync()
            try replica.syncing.rememberServer(url: url, token: token, caCertificate: caCertificate)
            let agreed = report.converged == true ? "一致" : "不一致"
            logger.info("""
            向上级同步 \(url): 推送 \(report.pushed), 拉取 \(report.pulled), 冲突 \(report.conflicts), 拒收 \(report.refused.count), \
            请求 \(transport.statistics.requests) 次, 核对\(agreed)
            """)
            for refusal in report.refused.prefix(20) {
                logger.warning("上级未接受 \(refusal.kind) \(refusal.id): \(refusal.reason)")
            }
        } catch let failure as HTTPFailure {
            logger.error("向上级同步 \(url) 失败, \(seconds) 秒后再试: \(failure.description)")
        } catch {
            logger.error("向上级同步 \(url) 失败, \(seconds) 秒后再试: \(error)")
        }
    }
}
