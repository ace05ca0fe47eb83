import { beforeAll, describe, expect, it } from '@jest/globals'
import { readZipEntry } from '../src/github/zip.js'
import { buildZip, hostileZips, sampleZip, zeroBomb } from '../__fixtures__/zip.js'

const FILE = 'install_to_ready_seconds.txt'

describe('readZipEntry', () => {
  let bomb: Awaited<ReturnType<typeof zeroBomb>>
  beforeAll(async () => {
    bomb = await zeroBomb(32 << 20)
  })

  it('reads the one file', async () => {
    expect(await readZipEntry(sampleZip('143\n'), FILE, 64)).toBe('143\n')
  })
  it('reads a stored (uncompressed) entry', async () => {
    expect(await readZipEntry(buildZip([{ name: FILE, data: '7', store: true }]), FILE, 64)).toBe(
      '7'
    )
  })
  it.each(hostileZips(FILE))('refuses %s', async (_label, zip, reason) => {
    await expect(readZipEntry(zip, FILE, 64)).rejects.toThrow(reason)
  })
  it('refuses a bomb by its declared size without inflating it', async () => {
    const zip = buildZip([{ name: FILE, data: '', raw: bomb }])
    await expect(readZipEntry(zip, FILE, 64)).rejects.toThrow(
      /inflates to 33554432 bytes, over the 64-byte cap/
    )
  })
  it('stops a bomb that lies about its size at the cap', async () => {
    const zip = buildZip([{ name: FILE, data: '', raw: bomb, declaredSize: 10 }])
    await expect(readZipEntry(zip, FILE, 64)).rejects.toThrow(/corrupt|cap/)
  })
  it('refuses a corrupt deflate stream', async () => {
    const zip = buildZip([
      { name: FILE, data: '', raw: { deflated: Buffer.from([0xff, 0xff, 0xff]), size: 3, crc: 0 } }
    ])
    await expect(readZipEntry(zip, FILE, 64)).rejects.toThrow(/corrupt/)
  })
})
