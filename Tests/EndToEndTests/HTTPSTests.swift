import Foundation
import Testing
import TestTiers

@Suite("HTTPS", .tags(.systemTool), .fullSuiteOnly)
struct HTTPSTests {
    /// A township certificate authority and a server certificate for 127.0.0.1, made with openssl.
    static func makeCertificates(in workspace: Workspace) throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        workspace.write("ext.cnf", "subjectAltName=IP:127.0.0.1\n")
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=gongkai test township CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
             "-days", "2", "-extfile", "ext.cnf"],
        ] {
            let result = try GongkaiProcess.runTool(openssl, arguments, in: workspace.url)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test("serve terminates TLS; sync verifies the certificate, and trusts the township's own CA with --cacert")
    func tls() throws {
        let workspace = Workspace()
        try Self.makeCertificates(in: workspace)
        #expect(try workspace.gongkai(["admin", "add-unit", "--unit", "640522100000", "--name", "西安镇"], db: "town.sqlite").status == 0)
        #expect(try workspace.gongkai(["admin", "add-unit", "--unit", "640522100201", "--name", "园河村", "--parent", "640522100000"], db: "town.sqlite").status == 0)
        let token = try workspace.gongkai(["admin", "issue-token", "--unit", "640522100201"], db: "town.sqlite").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(workspace: workspace, extra: ["--tls-cert", workspace.path("server.pem"), "--tls-key", workspace.path("server.key")])
        defer { server.kill() }
        try workspace.initVillage("a.sqlite")
        _ = try workspace.gongkai(["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"], db: "a.sqlite")
        let url = "https://127.0.0.1:\(server.port)"
        let untrusted = try workspace.gongkai(["sync", "--server", url, "--token", token, "--attempts", "1"], db: "a.sqlite")
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("证书无法验证"), "\(untrusted.stderr)")
        #expect(untrusted.stderr.contains("--cacert"))
        let trusted = try workspace.gongkai(["sync", "--server", url, "--token", token, "--cacert", workspace.path("ca.pem")], db: "a.sqlite")
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout == "synced: pushed 1, pulled 0, conflicts 0\n")
        // The certificate authority is remembered with the server and token: a plain sync trusts it too.
        _ = try workspace.gongkai(["fee", "add", "--collected-on", "2021-04-02", "--amount-yuan", "6"], db: "a.sqlite")
        let remembered = try workspace.gongkai(["sync"], db: "a.sqlite")
        #expect(remembered.status == 0, "\(remembered.stderr)")
        #expect(remembered.stdout == "synced: pushed 1, pulled 0, conflicts 0\n")
        // Plain HTTP to the HTTPS port fails cleanly rather than hanging.
        let plain = try workspace.gongkai(["sync", "--server", "http://127.0.0.1:\(server.port)", "--token", token, "--attempts", "1", "--no-remember"],
                                          db: "a.sqlite")
        #expect(plain.status == 1)
    }
}
