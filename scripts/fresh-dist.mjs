// Runs before `npm test`: the end-to-end tests execute dist/, so a bundle not built from the
// source in the tree is rebuilt first rather than tested stale.
//
// "Built from" is a hash of what the build reads (src/, the lockfile, the build configuration),
// written to dist/source.sha256 by `npm run package` (`--write`). Modification times cannot say
// it: a fresh clone writes dist/ before src/, and a checkout of another branch touches both.
// The hash is of contents only, with line endings normalised, so it is the same on every
// machine and CI's "dist/ matches src/" diff still holds.
import { execSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const STAMP = 'dist/source.sha256'
/** Single files the build reads besides src/ and the lockfile. */
export const BUILD_FILES = [
  'package-lock.json',
  'tsconfig.json',
  'scripts/package.sh',
  'scripts/bundle-licenses.mjs',
  'scripts/minify-chunks.mjs'
]
/** The fields of package.json that change what is bundled (not its scripts for tests, say). */
const PACKAGE_FIELDS = ['type', 'dependencies', 'overrides']

/** Paths relative to root of every file under root/dir, sorted. */
const filesUnder = (root, dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap(entry => {
      const path = `${dir}/${entry.name}`
      return entry.isDirectory() ? filesUnder(root, path) : [path]
    })
    .sort()

/** The hash of every input of the build, by path and normalised content. */
export function sourceHash(root = '.') {
  const hash = createHash('sha256')
  const add = (name, text) => hash.update(`${name}\0${text.replace(/\r\n/g, '\n')}\0`)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  add('package.json', JSON.stringify(PACKAGE_FIELDS.map(field => [field, pkg[field] ?? null])))
  const read = path => readFileSync(join(root, path), 'utf8')
  for (const path of BUILD_FILES) add(path, read(path))
  for (const path of filesUnder(root, 'src')) add(path, read(path))
  return hash.digest('hex')
}

const built = () => (existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '')

if (process.argv.includes('--write')) {
  writeFileSync(STAMP, `${sourceHash()}\n`)
} else if (process.argv[1]?.endsWith('fresh-dist.mjs')) {
  if (!existsSync('dist/index.js') || built() !== sourceHash()) {
    console.log('dist/ was not built from this source: rebuilding it before the tests')
    execSync('npm run package', { stdio: 'inherit' })
  }
}
