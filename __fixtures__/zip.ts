import { once } from 'node:events'
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib'

/**
 * A small zip writer for tests. It exists because the hostile cases (entry names with `..`,
 * symlink entries, duplicate names, sizes that lie) are exactly what a well-behaved zip
 * library refuses to write.
 */
export interface ZipEntry {
  name: string
  data: Buffer | string
  /** Stored uncompressed instead of deflated. */
  store?: boolean
  symlink?: boolean
  /** Declare this inflated size in the headers instead of the real one. */
  declaredSize?: number
  /** Already-deflated bytes (for bombs built elsewhere) with their real inflated size and CRC. */
  raw?: { deflated: Buffer; size: number; crc: number }
}

export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const data = Buffer.from(entry.data)
    const compressed = entry.raw?.deflated ?? (entry.store ? data : deflateRawSync(data))
    const size = entry.declaredSize ?? entry.raw?.size ?? data.length
    const crc = entry.raw?.crc ?? crc32(data)
    const method = entry.store && !entry.raw ? 0 : 8
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(0x0314, 4) // made by Unix, so the mode bits below are read
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((entry.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, compressed)
    centrals.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/** The artifact a run of chart.yml uploads: the sample file and its metadata. */
export function sampleZip(
  content: string,
  file = 'install_to_ready_seconds.txt',
  metadata: object = {}
): Buffer {
  return buildZip([
    { name: file, data: content },
    { name: 'metadata.json', data: JSON.stringify({ unit: 'seconds', ...metadata }) }
  ])
}

/** A deflate stream of `size` zero bytes, fed in chunks so the test never holds it inflated. */
export async function zeroBomb(
  size: number
): Promise<{ deflated: Buffer; size: number; crc: number }> {
  const deflate = createDeflateRaw({ level: 9 })
  const out: Buffer[] = []
  deflate.on('data', (part: Buffer) => out.push(part))
  const chunk = Buffer.alloc(1 << 20)
  let crc = 0
  for (let done = 0; done < size; done += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, size - done))
    crc = crc32(part, crc)
    if (!deflate.write(part)) await once(deflate, 'drain')
  }
  deflate.end()
  await once(deflate, 'end')
  return { deflated: Buffer.concat(out), size, crc }
}

/** Malformed and hostile artifacts, each with the skip reason it must give. */
export function hostileZips(file = 'install_to_ready_seconds.txt'): [string, Buffer, RegExp][] {
  return [
    [
      'a traversal entry',
      buildZip([
        { name: '../../evil.txt', data: 'x' },
        { name: file, data: '1' }
      ]),
      /not a readable zip/
    ],
    [
      'an absolute entry',
      buildZip([
        { name: '/tmp/helm-rolling-evil', data: 'x' },
        { name: file, data: '1' }
      ]),
      /not a readable zip/
    ],
    [
      'a symlink entry',
      buildZip([{ name: file, data: '/etc/passwd', symlink: true }]),
      /symbolic link/
    ],
    ['a truncated zip', sampleZip('1\n').subarray(0, 50), /not a readable zip/],
    ['bytes that are no zip', Buffer.from('<html>nope</html>'), /not a readable zip/],
    [
      'a zip without the file',
      buildZip([{ name: 'metadata.json', data: '{}' }]),
      /no install_to_ready_seconds.txt in the artifact/
    ],
    [
      'the file in a sub-folder',
      buildZip([{ name: `out/${file}`, data: '1' }]),
      /not at the top level \(found out\//
    ],
    [
      'two files of the same name',
      buildZip([
        { name: file, data: '1' },
        { name: file, data: '2' }
      ]),
      /two entries are named/
    ]
  ]
}
