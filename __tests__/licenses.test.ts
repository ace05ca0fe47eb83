// Both bundles ship the licences of what they bundle, and nothing bundled is unlicensed or
// copyleft. `npm run package` writes one licences file per bundle (scripts/bundle-licenses.mjs,
// from ncc's stats): a package name, its licence id and its licence text, entries sorted by
// name and separated by a blank line. The licence checked is the one in each package's own
// package.json (node_modules), not what the file copied.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// The action's bundle uses every production dependency (@actions/artifact in a chunk loaded
// when recording); the command's uses some.
const BUNDLES = [
  { bundle: 'dist/index.js', licenses: 'dist/licenses.txt', all: true },
  { bundle: 'dist/report.js', licenses: 'dist/report-licenses.txt', all: false }
]

// Bundled packages whose published package.json names no licence, reviewed by hand. Keyed by
// name@version: a new version is reviewed again.
const REVIEWED: Record<string, { license: string; why: string }> = {
  'buffers@0.1.1': {
    license: 'MIT/X11',
    why:
      'published without a license field (via @actions/artifact > unzip-stream > binary); ' +
      'the author\'s repository, substack/node-buffers, declares "license": "MIT/X11" in ' +
      'package.json and README since commit 1b745ee, after 0.1.1 was published'
  }
}

// SPDX ids (by prefix) of copyleft licences, strong, network and weak (file or library level).
const COPYLEFT =
  /^(AGPL|GPL|LGPL|SSPL|EUPL|OSL|CPAL|RPL|Sleepycat|MPL|EPL|CDDL|CPL|CECILL|CC-BY-SA|CC-BY-NC|ODbL|NPL|QPL|Watcom)/i

interface LockEntry {
  dev?: boolean
  version?: string
}
interface Installed {
  path: string
  dev: boolean
}

function installedPackages(): Map<string, Installed[]> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>
  }
  const byName = new Map<string, Installed[]>()
  for (const [path, entry] of Object.entries(lock.packages)) {
    const at = path.lastIndexOf('node_modules/')
    if (at < 0) continue
    const name = path.slice(at + 'node_modules/'.length)
    byName.set(name, [...(byName.get(name) ?? []), { path, dev: entry.dev === true }])
  }
  return byName
}

/** Package names heading the entries of an ncc licences file. */
function bundledNames(text: string, isPackage: (name: string) => boolean): string[] {
  const lines = text.split('\n')
  return lines.filter((line, i) => (i === 0 || lines[i - 1] === '') && isPackage(line))
}

/** True when an SPDX expression (or a legacy free-text id) allows use without copyleft. */
function permissive(expression: string): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? []
  let at = 0
  const or = (): boolean => {
    let ok = and()
    while (tokens[at] === 'OR') {
      at++
      ok = and() || ok
    }
    return ok
  }
  const and = (): boolean => {
    let ok = term()
    while (tokens[at] === 'AND') {
      at++
      ok = term() && ok
    }
    return ok
  }
  const term = (): boolean => {
    const token = tokens[at++]
    if (token === undefined) return false
    let ok: boolean
    if (token === '(') {
      ok = or()
      at++ // ')'
    } else {
      ok = !COPYLEFT.test(token) && !/^(UNLICENSED|SEE)$/i.test(token)
    }
    if (tokens[at] === 'WITH') at += 2 // an exception never removes the copyleft
    return ok
  }
  const ok = or()
  return ok && at >= tokens.length
}

function declaredLicense(dir: string): { name: string; version: string; license?: string } {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string
    version: string
    license?: string | { type?: string }
    licenses?: { type?: string }[]
  }
  const license =
    typeof pkg.license === 'string'
      ? pkg.license
      : (pkg.license?.type ??
        (pkg.licenses?.length
          ? pkg.licenses.map(l => l.type).join(' OR ') // the legacy array: any of them
          : undefined))
  return { name: pkg.name, version: pkg.version, license: license?.trim() || undefined }
}

describe('licences of bundled packages', () => {
  const installed = installedPackages()

  it('the licence check itself reads SPDX expressions', () => {
    expect(permissive('MIT')).toBe(true)
    expect(permissive('(Apache-2.0 AND BSD-3-Clause)')).toBe(true)
    expect(permissive('(MIT OR GPL-3.0-or-later)')).toBe(true)
    expect(permissive('GPL-2.0-only')).toBe(false)
    expect(permissive('LGPL-3.0')).toBe(false)
    expect(permissive('MIT AND AGPL-3.0')).toBe(false)
    expect(permissive('GPL-2.0 WITH Classpath-exception-2.0')).toBe(false)
    expect(permissive('SSPL-1.0')).toBe(false)
    expect(permissive('EUPL-1.2')).toBe(false)
    expect(permissive('UNLICENSED')).toBe(false)
    expect(permissive('SEE LICENSE IN LICENSE.md')).toBe(false)
    expect(permissive('')).toBe(false)
  })

  const dependencies = Object.keys(
    (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>
      }
    ).dependencies
  )
  const namesIn = (licenses: string): string[] =>
    bundledNames(readFileSync(join(root, licenses), 'utf8'), n => installed.has(n))
  for (const { bundle, licenses, all: usesAll } of BUNDLES) {
    it(`${bundle} ships ${licenses}, naming its bundled packages`, () => {
      expect(existsSync(join(root, bundle))).toBe(true)
      expect(existsSync(join(root, licenses))).toBe(true)
      const names = namesIn(licenses)
      expect(names.length).toBeGreaterThan(0)
      // ncc's own --license file of a bundle in chunks named only the last chunk's packages.
      const missing = usesAll ? dependencies.filter(d => !names.includes(d)) : []
      expect({ [`production dependencies missing from ${licenses}`]: missing }).toEqual({
        [`production dependencies missing from ${licenses}`]: []
      })
    })
  }

  it('every bundled package declares a licence, and none is copyleft', () => {
    // Read here, not gathered by the tests above: the suite runs in a random order.
    const all = new Set(BUNDLES.flatMap(({ licenses }) => namesIn(licenses)))
    expect(all.size).toBeGreaterThan(0)
    const problems: string[] = []
    const notes: string[] = []
    for (const name of [...all].sort()) {
      const copies = installed.get(name) ?? []
      const production = copies.filter(c => !c.dev)
      // Code can be bundled from a package that only the devDependencies install (an optional
      // require that ncc resolves): check it all the same, and say so.
      if (production.length === 0)
        notes.push(`${name}: bundled, but only a devDependency installs it`)
      for (const copy of production.length > 0 ? production : copies) {
        const { version, license } = declaredLicense(copy.path)
        const reviewed = REVIEWED[`${name}@${version}`]
        const id = license ?? reviewed?.license
        if (!license && reviewed)
          notes.push(`${name}@${version}: ${reviewed.license}, ${reviewed.why}`)
        if (!id) problems.push(`${name}@${version} (${copy.path}): no licence in its package.json`)
        else if (!permissive(id)) problems.push(`${name}@${version} (${copy.path}): ${id}`)
      }
    }
    if (notes.length > 0) console.log(`licences, notes:\n  ${notes.join('\n  ')}`)
    expect(problems).toEqual([])
  })
})
