import yauzl from 'yauzl'
import { SkipRun, errorMessage } from '../core/errors.js'
import { OVER_CAP, readCapped } from './transport.js'

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/**
 * Reads one file of a zip held in memory, at most `maxBytes` inflated, writing nothing to
 * disk. yauzl reads the central directory, refuses unsafe names (absolute, `..`), and checks
 * that an entry inflates to exactly its declared size, so a bomb stops at the cap.
 */
export async function readZipEntry(zip: Buffer, name: string, maxBytes: number): Promise<string> {
  let archive: yauzl.ZipFile
  try {
    archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true, strictFileNames: true })
  } catch (error) {
    throw new SkipRun(`not a readable zip (${errorMessage(error)})`)
  }
  try {
    const entry = await findEntry(archive, name)
    if (entry.uncompressedSize > maxBytes) {
      throw new SkipRun(
        `${name} inflates to ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte cap`
      )
    }
    return await inflate(archive, entry, maxBytes)
  } finally {
    archive.close()
  }
}

async function findEntry(archive: yauzl.ZipFile, name: string): Promise<yauzl.Entry> {
  let found: yauzl.Entry | undefined
  let nested: string | undefined
  try {
    for await (const entry of archive.eachEntry()) {
      if (entry.fileName === name) {
        if (found) throw new SkipRun(`two entries are named ${name}`)
        found = entry
      } else if (entry.fileName.endsWith(`/${name}`)) {
        nested = entry.fileName
      }
    }
  } catch (error) {
    if (error instanceof SkipRun) throw error
    throw new SkipRun(`not a readable zip (${errorMessage(error)})`)
  }
  if (!found) {
    throw new SkipRun(
      nested ? `${name} is not at the top level (found ${nested})` : `no ${name} in the artifact`
    )
  }
  if (((found.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK)
    throw new SkipRun(`${name} is a symbolic link`)
  if (found.isEncrypted()) throw new SkipRun(`${name} is encrypted`)
  return found
}

/** The entry's text, inflated at most to `maxBytes` (a zip bomb's header may lie about its size). */
async function inflate(
  archive: yauzl.ZipFile,
  entry: yauzl.Entry,
  maxBytes: number
): Promise<string> {
  let data: Buffer | typeof OVER_CAP
  try {
    data = await readCapped(await archive.openReadStreamPromise(entry), maxBytes)
  } catch (error) {
    throw new SkipRun(`${entry.fileName} is corrupt (${errorMessage(error)})`)
  }
  if (data === OVER_CAP)
    throw new SkipRun(`${entry.fileName} inflates past the ${maxBytes}-byte cap`)
  return data.toString('utf8')
}
