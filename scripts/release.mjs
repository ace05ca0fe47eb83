#!/usr/bin/env node
// Prepares a release on the current branch (normally main):
//
//   npm run release -- 1.2.0          a release: tag v1.2.0
//   npm run release -- 1.3.0-rc.1     a pre-release: tag v1.3.0-rc.1
//
// 1. checks that the working tree is clean, the tag is new and the version is newer than
//    package.json's and CHANGELOG.md's;
// 2. checks that dist/ is fresh: `npm run package` must leave it unchanged;
// 3. bumps the version in package.json (and package-lock.json);
// 4. moves CHANGELOG.md's [Unreleased] section under the version, dated today (a section
//    already prepared for the version only gets its date; a pre-release moves nothing: its
//    notes are the Unreleased section);
// 5. commits "Release vX.Y.Z" and makes the annotated tag vX.Y.Z with the notes.
//
// It pushes nothing. `git push --atomic origin main vX.Y.Z` then starts the release
// workflow, which checks the tag again, publishes the GitHub release and moves `vX`.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compareVersions, notes, parseVersion, release, sections } from './changelog.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)

const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], ...options })
const git = (...args) => run('git', args).trim()
const say = text => console.log(`release: ${text}`)

function fail(message) {
  console.error(`release: ${message}`)
  process.exit(1)
}

function today() {
  return new Date().toISOString().slice(0, 10)
}

const arg = process.argv.slice(2).find(a => !a.startsWith('-'))
if (!arg) fail('usage: npm run release -- VERSION   (for example 1.2.0 or 1.3.0-rc.1)')
const v = parseVersion(arg)
if (!v) fail(`"${arg}" is not a version such as 1.2.0 or 1.3.0-rc.1`)
const tag = `v${v.version}`
const pre = v.prerelease.length > 0

// 1. The tree, the tag, the version.
const dirty = git('status', '--porcelain', '--untracked-files=normal')
if (dirty) fail(`the working tree is not clean; commit or stash first:\n${dirty}`)
const branch = (() => {
  try {
    return git('symbolic-ref', '--short', '-q', 'HEAD')
  } catch {
    return fail('HEAD is detached; check out the branch to release from (main)')
  }
})()
if (branch !== 'main') say(`note: releasing from branch ${branch}, not main`)
try {
  git('rev-parse', '-q', '--verify', `refs/tags/${tag}`)
  fail(`the tag ${tag} exists already`)
} catch {
  // no such tag: good
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
if (parseVersion(pkg.version) && compareVersions(v, pkg.version) <= 0) {
  fail(`${v.version} is not newer than package.json's version ${pkg.version}`)
}

// The changelog first: it fails fast, before the build.
const before = readFileSync('CHANGELOG.md', 'utf8')
let after
let body
try {
  after = release(before, v.version, today())
  body = notes(after, v.version)
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}
for (const s of sections(before)) {
  const other = parseVersion(s.name)
  if (other && pre && compareVersions(other, v) >= 0) {
    fail(`CHANGELOG.md already has ${s.name}, not older than the pre-release ${v.version}`)
  }
}

// 2. dist/ must be what src/ builds.
say('npm run package (dist/ must not change)')
run('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] })
const stale = git('status', '--porcelain', '--untracked-files=normal', '--', 'dist')
if (stale) {
  fail(`dist/ is stale:\n${stale}\ncommit the rebuilt dist/ and run the release again`)
}

// 3. The version.
run('npm', ['version', v.version, '--no-git-tag-version'], { stdio: 'ignore' })

// 4. The changelog, formatted as the repository formats Markdown.
writeFileSync('CHANGELOG.md', after)
if (existsSync('node_modules/.bin/prettier')) {
  run('node_modules/.bin/prettier', ['--log-level', 'warn', '--write', 'CHANGELOG.md'])
}

// 5. The commit and the tag. The lockfile is an input of the build's hash, and the bump
// changes its version line: dist/'s "built from" record is written anew, or CI's freshness
// check fails on the tagged commit.
const files = ['package.json', 'CHANGELOG.md']
if (existsSync('package-lock.json')) files.push('package-lock.json')
if (existsSync('scripts/fresh-dist.mjs') && existsSync('dist/source.sha256')) {
  run('node', ['scripts/fresh-dist.mjs', '--write'], { stdio: ['ignore', 'ignore', 'inherit'] })
  files.push('dist/source.sha256')
}
git('add', '--', ...files)
git('commit', '--quiet', '-m', `Release ${tag}`)
run('git', ['tag', '--annotate', '--cleanup=verbatim', '--file=-', tag], {
  input: `${tag}\n\n${body}\n`
})

const commit = git('rev-parse', '--short', 'HEAD')
const kind = pre ? 'pre-release' : 'release'
console.log(`
release: ${kind} ${tag} tagged on ${commit} ("Release ${tag}") on ${branch}
${pre ? 'release: a pre-release leaves CHANGELOG.md as it is and moves no major tag\n' : ''}
---- notes of ${tag} (CHANGELOG.md${pre ? ', [Unreleased]' : ''}) ----
${body}
----

Next: git push --atomic origin ${branch} ${tag}
The release workflow then checks the tag, publishes the GitHub ${kind}${
  pre ? '' : ` and moves v${v.major}`
}.
Undo before pushing: git tag -d ${tag} && git reset --hard HEAD~1`)
