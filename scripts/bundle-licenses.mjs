#!/usr/bin/env node
// Writes the licences of every package a bundle holds, from the webpack stats that
// `ncc build --stats-out` writes:
//
//   node scripts/bundle-licenses.mjs build/index-stats.json dist/licenses.txt
//
// ncc's own `--license` file is not enough for a bundle split into chunks: each chunk writes
// the same file, so dist/licenses.txt ended up with the packages of the lazily loaded upload
// chunk only, not those of dist/index.js itself (@actions/core, Octokit, yauzl, ...). The
// format is ncc's: per package its name, its licence id and its licence text, sorted by name,
// a blank line between packages.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [statsFile, outFile] = process.argv.slice(2)
if (!statsFile || !outFile) {
  console.error('usage: node scripts/bundle-licenses.mjs STATS.json OUT.txt')
  process.exit(2)
}

const stats = JSON.parse(readFileSync(statsFile, 'utf8'))

/** Resource paths of the modules, concatenated ones included. */
function* resources(modules = []) {
  for (const m of modules) {
    if (typeof m.nameForCondition === 'string') yield m.nameForCondition
    yield* resources(m.modules)
  }
}

/** The package directory holding a file under node_modules, or null. */
function packageDir(file) {
  const marker = '/node_modules/'
  const at = file.lastIndexOf(marker)
  if (at < 0) return null
  const rest = file.slice(at + marker.length).split('/')
  const depth = rest[0].startsWith('@') ? 2 : 1
  return file.slice(0, at + marker.length) + rest.slice(0, depth).join('/')
}

const dirs = new Set()
for (const file of resources(stats.modules)) {
  const dir = packageDir(file)
  if (dir) dirs.add(dir)
}

const LICENCE_FILE = /^(licen[cs]e|copying)([._-]|$)/i

const entries = new Map()
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const license =
    typeof pkg.license === 'string'
      ? pkg.license
      : (pkg.license?.type ?? pkg.licenses?.map(l => l.type).join(' OR ') ?? '')
  const file = readdirSync(dir)
    .filter(f => LICENCE_FILE.test(f))
    .sort()[0]
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : ''
  const entry = [pkg.name, license, text].filter(Boolean).join('\n')
  entries.set(`${pkg.name}\0${pkg.version}`, { name: pkg.name, entry })
}

// Sorted by name, then by the entry itself (two versions of one package), so the file is the
// same whatever order webpack listed the modules in.
const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
const sorted = [...entries.values()].sort(
  (a, b) => order(a.name, b.name) || order(a.entry, b.entry)
)
writeFileSync(outFile, `${[...new Set(sorted.map(e => e.entry))].join('\n\n')}\n`)
console.log(`${outFile}: licences of ${new Set(sorted.map(e => e.name)).size} bundled packages`)
