// The release process: CHANGELOG.md as scripts/changelog.mjs reads and rewrites it, and
// scripts/release.mjs run for real in a throwaway repository (its `package` script stands in
// for ncc, so the test takes seconds).
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compareVersions, notes, parseVersion, release, sections } from '../scripts/changelog.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
/** CHANGELOG.md as it stood before v1.0.0 was cut: 1.0.0 prepared, undated, Unreleased full. */
const PREPARED = join(root, '__fixtures__', 'changelog-prepared-1.0.0.md')
const prepared = readFileSync(PREPARED, 'utf8')

describe('CHANGELOG.md', () => {
  it('has Unreleased on top and v1.0.0 as the first release, with notes', () => {
    const names = sections(changelog).map(s => s.name)
    expect(names[0]).toBe('Unreleased')
    expect(names.at(-1)).toBe('1.0.0')
    expect(notes(changelog, 'v1.0.0')).toMatch(/^The first release\./)
  })

  it('every release section has a version, newest first, and notes', () => {
    const released = sections(changelog).filter(s => s.name !== 'Unreleased')
    for (const s of released) {
      expect(parseVersion(s.name)).not.toBeNull()
      expect(s.body.length).toBeGreaterThan(0)
    }
    const versions = released.map(s => s.name)
    expect([...versions].sort((a, b) => compareVersions(b, a))).toEqual(versions)
  })
})

/** A changelog with one entry added under [Unreleased]. */
const withEntry = (text: string, kind = 'Added', entry = '- Something new.'): string =>
  text.replace('## [Unreleased]\n', `## [Unreleased]\n\n### ${kind}\n\n${entry}\n`)

const items = (body: string): string[] => body.split('\n').filter(l => l.startsWith('- '))

describe('changelog.mjs', () => {
  it('orders versions as Semantic Versioning does', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1']
    const all = [...ordered, '1.0.0', '1.0.1', '1.2.0', '2.0.0']
    expect([...all].reverse().sort(compareVersions)).toEqual(all)
    expect(parseVersion('v1.3.0-rc.1')).toMatchObject({ version: '1.3.0-rc.1', major: 1 })
    expect(parseVersion('1.2')).toBeNull()
  })

  it('dates a prepared release and folds Unreleased into it, so its notes hold all it ships', () => {
    const first = release(prepared, '1.0.0', '2026-11-25')
    expect(first).toContain('## [1.0.0] - 2026-11-25')
    const [unreleased, v100] = sections(first)
    expect(unreleased).toMatchObject({ name: 'Unreleased', body: '' })
    expect(notes(first, '1.0.0')).toBe(v100.body)
    expect(v100.body).toMatch(/^The first release\./)
    const shipped = [...items(notes(prepared, '1.0.0')), ...items(sections(prepared)[0].body)]
    expect(items(v100.body).sort()).toEqual(shipped.sort())
    const kinds = [...v100.body.matchAll(/^### (\w+)$/gm)].map(m => m[1])
    const order = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']
    expect(kinds).toEqual(order.filter(k => kinds.includes(k))) // each once, in order

    const second = release(withEntry(first, 'Fixed', '- A fix.'), '1.1.0', '2026-12-01')
    const [after, v110] = sections(second)
    expect(after).toMatchObject({ name: 'Unreleased', body: '' })
    expect(v110).toMatchObject({ name: '1.1.0', date: '2026-12-01', body: '### Fixed\n\n- A fix.' })
    expect(second).toContain(
      '[Unreleased]: https://github.com/tracecore/helm-rolling-action/compare/v1.1.0...HEAD\n' +
        '[1.1.0]: https://github.com/tracecore/helm-rolling-action/compare/v1.0.0...v1.1.0\n'
    )
  })

  it('folds each kind of change into the prepared list of the same name', () => {
    const text = [
      '# Changelog',
      '',
      '## [Unreleased]',
      '',
      '### Fixed',
      '',
      '- c',
      '',
      '### Added',
      '',
      '- b',
      '',
      '## [1.0.0]',
      '',
      'The first release.',
      '',
      '### Added',
      '',
      '- a',
      ''
    ].join('\n')
    expect(notes(release(text, '1.0.0', 'd'), '1.0.0')).toBe(
      'The first release.\n\n### Added\n\n- a\n- b\n\n### Fixed\n\n- c'
    )
  })

  it('refuses what would make a wrong changelog', () => {
    expect(() => release(prepared, '1.1.0', 'd')).toThrow(/1\.0\.0 is prepared but not released/)
    const first = release(prepared, '1.0.0', 'd')
    expect(() => release(first, '1.0.0', 'd')).toThrow(/already has a section/)
    expect(() => release(first, '1.1.0', 'd')).toThrow(/nothing under \[Unreleased\]/)
    const second = release(withEntry(first), '1.1.0', 'd')
    expect(() => release(second, '1.2.0', 'd')).toThrow(/nothing under \[Unreleased\]/)
    expect(() => release(second, '1.0.5', 'd')).toThrow(/newer than 1\.0\.5/)
    expect(() => notes(second, '1.2.0-rc.1')).toThrow(/nothing under \[Unreleased\]/)
    expect(() => notes(second, '9.9.9')).toThrow(/no section for 9\.9\.9/)
    expect(release(second, '1.1.0-rc.1', 'd')).toBe(second) // a pre-release moves nothing
  })
})

describe('npm run release (scripts/release.mjs)', () => {
  let repo = ''
  afterEach(() => {
    if (repo) rmSync(repo, { recursive: true, force: true })
  })

  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()

  /** A repository with the release scripts, CHANGELOG.md and a dist/ that `package` rebuilds. */
  function scratch(
    packageScript = "node -e \"require('fs').writeFileSync('dist/index.js', 'built\\\\n')\""
  ) {
    repo = mkdtempSync(join(tmpdir(), 'release-test-'))
    mkdirSync(join(repo, 'scripts'))
    mkdirSync(join(repo, 'dist'))
    for (const f of ['release.mjs', 'changelog.mjs']) {
      copyFileSync(join(root, 'scripts', f), join(repo, 'scripts', f))
    }
    copyFileSync(PREPARED, join(repo, 'CHANGELOG.md'))
    writeFileSync(join(repo, 'dist', 'index.js'), 'built\n')
    writeFileSync(
      join(repo, 'package.json'),
      `${JSON.stringify({ name: 'scratch', version: '0.1.0', private: true, scripts: { package: packageScript } }, null, 2)}\n`
    )
    git('init', '--quiet', '--initial-branch=main')
    git('config', 'user.name', 'test')
    git('config', 'user.email', 'test@example.invalid')
    git('config', 'commit.gpgsign', 'false')
    git('config', 'tag.gpgsign', 'false')
    git('add', '.')
    git('commit', '--quiet', '-m', 'start')
  }

  /** A change under [Unreleased], committed, as a pull request after a release adds one. */
  function addEntry(): void {
    const file = join(repo, 'CHANGELOG.md')
    writeFileSync(file, withEntry(readFileSync(file, 'utf8')))
    git('commit', '--quiet', '-am', 'a change')
  }

  const releaseScript = (version: string) =>
    spawnSync(process.execPath, ['scripts/release.mjs', version], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'silent' }
    })

  it('bumps, moves the changelog, commits and tags', () => {
    scratch()
    const first = releaseScript('1.0.0')
    expect(first.status).toBe(0)
    expect(first.stdout).toContain('release v1.0.0 tagged')
    expect(git('tag', '--list')).toBe('v1.0.0')
    expect(git('log', '-1', '--format=%s')).toBe('Release v1.0.0')
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('1.0.0')
    expect(git('cat-file', '-p', 'v1.0.0')).toContain('v1.0.0\n\nThe first release.')
    expect(sections(readFileSync(join(repo, 'CHANGELOG.md'), 'utf8'))[0].body).toBe('')

    addEntry()
    const second = releaseScript('v1.1.0')
    expect(second.status).toBe(0)
    const log = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')
    expect(sections(log).map(s => s.name)).toEqual(['Unreleased', '1.1.0', '1.0.0'])
    expect(sections(log)[0].body).toBe('')
    expect(git('rev-parse', 'v1.1.0^{commit}')).toBe(git('rev-parse', 'HEAD'))
    expect(git('status', '--porcelain')).toBe('')
  })

  it('a pre-release tags and leaves CHANGELOG.md alone', () => {
    scratch()
    expect(releaseScript('1.0.0').status).toBe(0)
    addEntry()
    const before = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')
    const pre = releaseScript('1.1.0-rc.1')
    expect(pre.status).toBe(0)
    expect(pre.stdout).toContain('pre-release v1.1.0-rc.1 tagged')
    expect(readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')).toBe(before)
    expect(git('cat-file', '-p', 'v1.1.0-rc.1')).toContain('### Added')
  })

  it('refuses a dirty tree, a stale dist/, an old version and an existing tag', () => {
    scratch()
    writeFileSync(join(repo, 'stray.txt'), 'x')
    expect(releaseScript('1.0.0').stderr).toMatch(/not clean/)
    rmSync(join(repo, 'stray.txt'))

    expect(releaseScript('0.0.9').stderr).toMatch(/not newer than package.json's version 0\.1\.0/)
    expect(releaseScript('1.0').stderr).toMatch(/is not a version/)

    writeFileSync(join(repo, 'dist', 'index.js'), 'stale\n')
    git('commit', '--quiet', '-am', 'dist out of date')
    const stale = releaseScript('1.0.0')
    expect(stale.status).toBe(1)
    expect(stale.stderr).toMatch(/dist\/ is stale/)
    expect(git('tag', '--list')).toBe('')
    git('checkout', '--quiet', '--', 'dist')

    git('tag', 'v1.0.0')
    expect(releaseScript('1.0.0').stderr).toMatch(/the tag v1\.0\.0 exists already/)
  })
})
