import { beforeAll, describe, expect, it } from '@jest/globals'
import { readZipEntry, readZipFiles } from '../src/github/zip.js'
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

describe('readZipFiles: the sample and metadata.json, nothing else', () => {
  const caps = { [FILE]: 64, 'metadata.json': 8192 }

  it('reads both named files and only those', async () => {
    const zip = buildZip([
      { name: FILE, data: '143\n' },
      { name: 'metadata.json', data: '{"environment":{}}' },
      { name: 'other.txt', data: 'never read' }
    ])
    expect(await readZipFiles(zip, caps)).toEqual({
      [FILE]: { value: '143\n' },
      'metadata.json': { value: '{"environment":{}}' }
    })
  })

  it('gives each file its own problem: a linked, doubled, nested or missing metadata.json', async () => {
    const cases: [Buffer, RegExp][] = [
      [
        buildZip([
          { name: FILE, data: '1' },
          { name: 'metadata.json', data: '/etc/passwd', symlink: true }
        ]),
        /metadata.json is a symbolic link/
      ],
      [
        buildZip([
          { name: FILE, data: '1' },
          { name: 'metadata.json', data: '{}' },
          { name: 'metadata.json', data: '{}' }
        ]),
        /two entries are named metadata.json/
      ],
      [
        buildZip([
          { name: FILE, data: '1' },
          { name: 'x/metadata.json', data: '{}' }
        ]),
        /metadata.json is not at the top level \(found x\/metadata.json\)/
      ],
      [buildZip([{ name: FILE, data: '1' }]), /no metadata.json in the artifact/]
    ]
    for (const [zip, why] of cases) {
      const read = await readZipFiles(zip, caps)
      expect(read[FILE]).toEqual({ value: '1' })
      expect(read['metadata.json']).toEqual({ reason: expect.stringMatching(why) })
    }
  })

  it('caps metadata.json by its declared size and while inflating', async () => {
    const bomb = await zeroBomb(1 << 20)
    const declared = await readZipFiles(
      buildZip([
        { name: FILE, data: '1' },
        { name: 'metadata.json', data: '', raw: bomb }
      ]),
      caps
    )
    expect(declared['metadata.json']).toEqual({
      reason: 'metadata.json inflates to 1048576 bytes, over the 8192-byte cap'
    })
    const lying = await readZipFiles(
      buildZip([
        { name: FILE, data: '1' },
        { name: 'metadata.json', data: '', raw: bomb, declaredSize: 10 }
      ]),
      caps
    )
    expect(lying['metadata.json']).toEqual({ reason: expect.stringMatching(/corrupt|cap/) })
    expect(lying[FILE]).toEqual({ value: '1' })
  })
})
