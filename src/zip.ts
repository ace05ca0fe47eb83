import yauzl from 'yauzl'

/** Refusals that name what is wrong with an artifact's zip; the run is skipped with it. */
export class ZipRefusal extends Error {}

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
    throw new ZipRefusal(`not a readable zip (${message(error)})`)
  }
  try {
    const entry = await findEntry(archive, name)
    if (entry.uncompressedSize > maxBytes) {
      throw new ZipRefusal(
        `${name} inflates to ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte cap`
      )
    }
    return await readCapped(archive, entry, maxBytes)
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
        if (found) throw new ZipRefusal(`two entries are named ${name}`)
        found = entry
      } else if (entry.fileName.endsWith(`/${name}`)) {
        nested = entry.fileName
      }
    }
  } catch (error) {
    if (error instanceof ZipRefusal) throw error
    throw new ZipRefusal(`not a readable zip (${message(error)})`)
  }
  if (!found) {
    throw new ZipRefusal(
      nested ? `${name} is not at the top level (found ${nested})` : `no ${name} in the artifact`
    )
  }
  if (((found.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK)
    throw new ZipRefusal(`${name} is a symbolic link`)
  if (found.isEncrypted()) throw new ZipRefusal(`${name} is encrypted`)
  return found
}

async function readCapped(
  archive: yauzl.ZipFile,
  entry: yauzl.Entry,
  maxBytes: number
): Promise<string> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    const stream = await archive.openReadStreamPromise(entry)
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBytes) {
        stream.destroy()
        throw new ZipRefusal(`${entry.fileName} inflates past the ${maxBytes}-byte cap`)
      }
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof ZipRefusal) throw error
    throw new ZipRefusal(`${entry.fileName} is corrupt (${message(error)})`)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
