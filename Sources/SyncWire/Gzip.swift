import SyncCore
import CGzip

/// gzip, for request and response bodies.
public enum Gzip {
    public enum Failure: Error, Equatable {
        case notGzip
        case truncated
        /// The content would be larger than allowed (a decompression bomb, or simply too much).
        case tooLarge(limit: Int)
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard gongkai_deflate_init_gzip(&stream, level) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let written: Int = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, Z_FINISH)
                return status == Z_STREAM_END ? Int(stream.total_out) : 0
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses a whole gzip body, refusing to produce more than `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        guard input.count >= 18, input[0] == 0x1F, input[1] == 0x8B else { throw .notGzip }
        var stream = z_stream()
        guard gongkai_inflate_init_gzip(&stream) == Z_OK else { throw .notGzip }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
                }
            } while status == Z_OK && output.count <= limit
        }
        if output.count > limit { throw .tooLarge(limit: limit) }
        switch status {
        case Z_STREAM_END: return output
        case Z_BUF_ERROR: throw .truncated
        default: throw .notGzip
        }
    }

    /// Decompresses a whole gzip body a chunk at a time (64 KB), each handed to `chunk` as it is
    /// made, so that the content is never held whole; refused past `limit` bytes in all.
    public static func decompress(_ input: ArraySlice<UInt8>, limit: Int, inChunks chunk: (ArraySlice<UInt8>) throws -> Void) throws {
        guard input.count >= 18, input[input.startIndex] == 0x1F, input[input.startIndex + 1] == 0x8B else { throw Failure.notGzip }
        var stream = z_stream()
        guard gongkai_inflate_init_gzip(&stream) == Z_OK else { throw Failure.notGzip }
        defer { inflateEnd(&stream) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var produced = 0
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            repeat {
                let count = buffer.withUnsafeMutableBufferPointer { target -> Int in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CGzip.inflate(&stream, Z_NO_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
                produced += count
                if produced > limit { throw Failure.tooLarge(limit: limit) }
                if count > 0 { try chunk(buffer[0..<count]) }
            } while status == Z_OK
        }
        switch status {
        case Z_STREAM_END: return
        case Z_BUF_ERROR: throw Failure.truncated
        default: throw Failure.notGzip
        }
    }
}
