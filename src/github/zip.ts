import yauzl from 'yauzl'
import { SkipRun, errorMessage } from '../core/errors.js'
import type { Result } from '../core/types.js'
import { OVER_CAP, readCapped } from './transport.js'

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/**
 * Reads the named top-level files of a zip held in memory, each at most its cap inflated,
 * writing nothing to disk; no other entry is ever read. yauzl reads the central directory,
 * refuses unsafe names (absolute, `..`), and checks that an entry inflates to exactly its
 * declared size, so a bomb stops at the cap. A zip that cannot be read at all throws
 * `SkipRun`; a wanted file that is missing, doubled, a link or too big gets its reason.
 */
export async function readZipFiles(
  zip: Buffer,
  caps: Readonly<Record<string, number>>
): Promise<Record<string, Result<string>>> {
  let archive: yauzl.ZipFile
  try {
    archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true, strictFileNames: true })
  } catch (error) {
    throw new SkipRun(`not a readable zip (${errorMessage(error)})`)
  }
  try {
    const found = await findEntries(archive, Object.keys(caps))
    const reads: Record<string, Result<string>> = {}
    for (const [name, entry] of Object.entries(found))
      reads[name] =
        typeof entry === 'string' ? { reason: entry } : await readOne(archive, entry, caps[name])
    return reads
  } finally {
    archive.close()
  }
}

/** Reads one file of the zip, throwing `SkipRun` with the reason it cannot. */
export async function readZipEntry(zip: Buffer, name: string, maxBytes: number): Promise<string> {
  const read = (await readZipFiles(zip, { [name]: maxBytes }))[name]
  if ('reason' in read) throw new SkipRun(read.reason)
  return read.value
}

/** Each wanted name's entry, or the problem with it; one pass over the central directory. */
async function findEntries(
  archive: yauzl.ZipFile,
  names: readonly string[]
): Promise<Record<string, yauzl.Entry | string>> {
  const found = new Map<string, yauzl.Entry | string>()
  const nested = new Map<string, string>()
  try {
    for await (const entry of archive.eachEntry()) {
      const name = names.find(n => entry.fileName === n)
      if (name !== undefined)
        found.set(name, found.has(name) ? `two entries are named ${name}` : entry)
      const deep = names.find(n => entry.fileName.endsWith(`/${n}`))
      if (deep !== undefined) nested.set(deep, entry.fileName)
    }
  } catch (error) {
    throw new SkipRun(`not a readable zip (${errorMessage(error)})`)
  }
  return Object.fromEntries(
    names.map(name => {
      const entry = found.get(name)
      if (entry === undefined) {
        const deep = nested.get(name)
        return [
          name,
          deep ? `${name} is not at the top level (found ${deep})` : `no ${name} in the artifact`
        ]
      }
      if (typeof entry === 'string') return [name, entry]
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK)
        return [name, `${name} is a symbolic link`]
      if (entry.isEncrypted()) return [name, `${name} is encrypted`]
      return [name, entry]
    })
  )
}

/** The entry's text, inflated at most to `maxBytes` (a zip bomb's header may lie about its size). */
async function readOne(
  archive: yauzl.ZipFile,
  entry: yauzl.Entry,
  maxBytes: number
): Promise<Result<string>> {
  if (entry.uncompressedSize > maxBytes) {
    return {
      reason: `${entry.fileName} inflates to ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte cap`
    }
  }
  let data: Buffer | typeof OVER_CAP
  try {
    data = await readCapped(await archive.openReadStreamPromise(entry), maxBytes)
  } catch (error) {
    return { reason: `${entry.fileName} is corrupt (${errorMessage(error)})` }
  }
  if (data === OVER_CAP)
    return { reason: `${entry.fileName} inflates past the ${maxBytes}-byte cap` }
  return { value: data.toString('utf8') }
}
