// The bundle carries one copy of the Azure storage SDK. Both lazily loaded clients need it
// (@actions/cache wants ~12.31.0, @actions/artifact ^12.30.0); two copies cost a second parse
// of the same megabyte when a check both records and restores the cache. package.json's
// `overrides` pins one 12.31.x for both; this looks at dist/ itself, not the lockfile, so a
// lockfile that drifts (or an ncc that inlines twice) is caught where it costs.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sourceHash } from '../scripts/fresh-dist.mjs'

const dist = join(import.meta.dirname, '..', 'dist')
const bundles = readdirSync(dist)
  .filter(name => name.endsWith('.js'))
  .map(name => ({ name, text: readFileSync(join(dist, name), 'utf8') }))

/** The version of each inlined copy of @azure/storage-blob: its user agent's SDK_VERSION. */
function storageBlobVersions(): string[] {
  return bundles.flatMap(({ text }) =>
    [...text.matchAll(/azure-storage-blob\/\$\{(\w+)\}/g)].map(([, name]) => {
      // Minified: `const bc="12.31.0"`, or `,bc="12.31.0"` further along a declaration.
      const declared = new RegExp(`[\\s,;{(]${name}\\s*=\\s*"(\\d+\\.\\d+\\.\\d+[^"]*)"`).exec(text)
      return declared ? declared[1] : `${name}: declaration not found`
    })
  )
}

/**
 * Where ncc found the modules of `pkg`: one folder per copy in node_modules. The chunks are
 * minified after ncc (scripts/minify-chunks.mjs), which keeps ncc's folders in one closing
 * comment per chunk.
 */
function copiesOf(pkg: string): string[] {
  const lists = bundles.flatMap(({ text }) =>
    [...text.matchAll(/\/\*! concatenated packages: ([^*]*) \*\//g)].map(m => m[1].split(' '))
  )
  const folders = lists.flat().filter(folder => folder.endsWith(`node_modules/${pkg}`))
  return [...new Set(folders)]
}

describe('dist/ bundles one Azure storage SDK', () => {
  it('one @azure/storage-blob, a 12.31.x that both clients accept', () => {
    const versions = storageBlobVersions()
    expect(versions).toHaveLength(1)
    expect(versions[0]).toMatch(/^12\.31\.\d+$/)
  })

  it('one folder each for storage-blob and the pipeline under it', () => {
    expect(copiesOf('@azure/storage-blob')).toEqual(['./node_modules/@azure/storage-blob'])
    expect(copiesOf('@azure/core-rest-pipeline')).toEqual([
      './node_modules/@azure/core-rest-pipeline'
    ])
  })
})

describe('dist/ is built from this tree', () => {
  it('dist/source.sha256 is the hash of the build inputs here (npm test rebuilt it if not)', () => {
    const root = join(dist, '..')
    expect(readFileSync(join(dist, 'source.sha256'), 'utf8')).toBe(`${sourceHash(root)}\n`)
  })
})
