// `npm test` rebuilds dist/ first when dist/ was not built from the source in the tree. "Built
// from" is a hash of the build's inputs, not file times: a fresh clone writes dist/ before
// src/ and must not rebuild, while an edited src/ must.
import { describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILD_FILES, sourceHash } from '../scripts/fresh-dist.mjs'

const root = join(import.meta.dirname, '..')
const INPUTS = ['src', 'package.json', ...BUILD_FILES]

/** A copy of the build's inputs in a private folder, changed by `edit`, and its hash. */
function hashAfter(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'fresh-dist-'))
  try {
    for (const path of INPUTS) cpSync(join(root, path), join(dir, path), { recursive: true })
    edit(dir)
    return sourceHash(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const append = (path: string, text: string) => (dir: string) =>
  writeFileSync(join(dir, path), readFileSync(join(dir, path), 'utf8') + text)

describe('dist/ freshness', () => {
  const tree = sourceHash(root)

  it('does not change when only file times change, as in a fresh clone', () => {
    const touched = hashAfter(dir => utimesSync(join(dir, 'src', 'main.ts'), 0, 0))
    expect(touched).toBe(tree)
  })

  it('does not change with CRLF line endings (a Windows checkout)', () => {
    const crlf = hashAfter(dir => {
      const path = join(dir, 'tsconfig.json')
      writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '\r\n'))
    })
    expect(crlf).toBe(tree)
  })

  it.each([
    ['a source file', append('src/main.ts', '\n// edited\n')],
    [
      'a new source file',
      (dir: string) => writeFileSync(join(dir, 'src', 'new.ts'), 'export {}\n')
    ],
    ['the lockfile', append('package-lock.json', ' ')],
    ['the build script', append('scripts/package.sh', '\n# edited\n')]
  ])('changes when %s changes', (_, edit) => {
    expect(hashAfter(edit)).not.toBe(tree)
  })

  it("changes with package.json's dependencies, not with its scripts", () => {
    const edit =
      (change: (pkg: Record<string, Record<string, string>>) => void) => (dir: string) => {
        const path = join(dir, 'package.json')
        const pkg = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>
        change(pkg)
        writeFileSync(path, JSON.stringify(pkg))
      }
    expect(hashAfter(edit(pkg => (pkg.scripts.extra = 'true')))).toBe(tree)
    expect(hashAfter(edit(pkg => (pkg.dependencies.extra = '1.0.0')))).not.toBe(tree)
  })
})
