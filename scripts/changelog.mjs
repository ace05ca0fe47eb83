#!/usr/bin/env node
// CHANGELOG.md as the release process reads and writes it (Keep a Changelog layout):
//
//   ## [Unreleased]          what main holds beyond the newest release
//   ## [1.2.0] - 2026-11-25  a release, newest first
//   ## [1.0.0]               a release prepared here and not tagged yet (no date)
//   ...
//   [Unreleased]: https://github.com/OWNER/REPO/compare/v1.2.0...HEAD
//   [1.2.0]: https://github.com/OWNER/REPO/compare/v1.1.0...v1.2.0
//
// No dependencies, so that the release workflow can run it with the runner's own Node:
//   node scripts/changelog.mjs notes v1.2.0       the notes of that release (the Unreleased
//                                                 section for a pre-release such as v1.3.0-rc.1)

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/

/** Parses "1.2.0", "v1.3.0-rc.1"; null when it is not a release version. */
export function parseVersion(text) {
  const m = SEMVER.exec(String(text).trim())
  if (!m) return null
  const [, major, minor, patch, pre] = m
  return {
    version: `${Number(major)}.${Number(minor)}.${Number(patch)}${pre ? `-${pre}` : ''}`,
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: pre ? pre.split('.') : []
  }
}

/** Semantic Versioning precedence: negative when a < b. */
export function compareVersions(a, b) {
  const x = typeof a === 'string' ? parseVersion(a) : a
  const y = typeof b === 'string' ? parseVersion(b) : b
  for (const k of ['major', 'minor', 'patch']) if (x[k] !== y[k]) return x[k] - y[k]
  if (x.prerelease.length === 0 || y.prerelease.length === 0) {
    return y.prerelease.length - x.prerelease.length // a release ranks above its pre-releases
  }
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i]
    const q = y.prerelease[i]
    if (p === undefined) return -1
    if (q === undefined) return 1
    const pn = /^\d+$/.test(p)
    const qn = /^\d+$/.test(q)
    if (pn && qn && Number(p) !== Number(q)) return Number(p) - Number(q)
    if (pn !== qn) return pn ? -1 : 1
    if (p !== q) return p < q ? -1 : 1
  }
  return 0
}

const HEADING = /^## \[([^\]]+)\](?:\s+-\s+(\S.*))?\s*$/

/** The `## [...]` sections in order: name, date, and the line range of each body. */
export function sections(text) {
  const lines = text.split('\n')
  const found = []
  lines.forEach((line, i) => {
    const m = HEADING.exec(line)
    if (m) found.push({ name: m[1], date: m[2] ?? null, heading: i })
  })
  // A section runs to the next `## ` heading or to the link definitions at the end.
  const linksAt = lines.findIndex(l => /^\[[^\]]+\]:\s/.test(l))
  for (let k = 0; k < found.length; k++) {
    const next = found[k + 1]?.heading ?? (linksAt >= 0 ? linksAt : lines.length)
    let end = next
    for (let i = found[k].heading + 1; i < next; i++) {
      if (/^## /.test(lines[i])) {
        end = i
        break
      }
    }
    found[k].end = end
    found[k].body = lines
      .slice(found[k].heading + 1, end)
      .join('\n')
      .trim()
  }
  return found
}

const isUnreleased = name => /^unreleased$/i.test(name)

/** The release notes of `version`: its section, or Unreleased for a pre-release. */
export function notes(text, version) {
  const v = parseVersion(version)
  if (!v) throw new Error(`not a release version: ${version}`)
  const all = sections(text)
  const own = all.find(s => parseVersion(s.name)?.version === v.version)
  if (own) {
    if (!own.body) throw new Error(`CHANGELOG.md: the section of ${v.version} is empty`)
    return own.body
  }
  if (v.prerelease.length > 0) {
    const unreleased = all.find(s => isUnreleased(s.name))
    if (unreleased?.body) return unreleased.body
    throw new Error(`CHANGELOG.md: nothing under [Unreleased] for the pre-release ${v.version}`)
  }
  throw new Error(`CHANGELOG.md has no section for ${v.version}`)
}

/**
 * CHANGELOG.md after releasing `version` on `date` (YYYY-MM-DD):
 * - a pre-release changes nothing (its notes are the Unreleased section; the final release
 *   takes them over);
 * - a section already prepared for `version` without a date gets the date, and what is under
 *   Unreleased joins it (each `### Added`... list into the prepared one of the same name), so
 *   that the notes hold everything the tag ships and Unreleased is left empty;
 * - else the Unreleased section moves under `## [version] - date`, leaving Unreleased empty.
 * The compare links at the end follow.
 */
export function release(text, version, date) {
  const v = parseVersion(version)
  if (!v) throw new Error(`not a release version: ${version}`)
  if (v.prerelease.length > 0) return text
  const lines = text.split('\n')
  const all = sections(text)
  const released = all.filter(s => !isUnreleased(s.name) && parseVersion(s.name))
  const newest = released[0]
  const prepared = newest && parseVersion(newest.name).version === v.version && !newest.date
  const previous = (prepared ? released[1] : newest)?.name ?? null
  if (newest && !newest.date && !prepared) {
    throw new Error(`CHANGELOG.md: ${newest.name} is prepared but not released; release it first`)
  }

  for (const s of released) {
    if (parseVersion(s.name).version === v.version && !prepared) {
      throw new Error(`CHANGELOG.md already has a section for ${v.version}`)
    }
    if (compareVersions(s.name, v) > 0) {
      throw new Error(`CHANGELOG.md already has ${s.name}, newer than ${v.version}`)
    }
  }

  const unreleased = all.find(s => isUnreleased(s.name))
  if (prepared) {
    const body = unreleased?.body ? fold(newest.body, unreleased.body) : newest.body
    lines.splice(
      newest.heading,
      newest.end - newest.heading,
      `## [${v.version}] - ${date}`,
      '',
      body,
      ''
    )
    if (unreleased?.body)
      lines.splice(unreleased.heading + 1, unreleased.end - unreleased.heading - 1, '')
  } else {
    if (!unreleased) throw new Error('CHANGELOG.md has no [Unreleased] section')
    if (!unreleased.body) throw new Error('CHANGELOG.md: nothing under [Unreleased] to release')
    // Keep Unreleased's heading, empty; the body goes under the new version's heading.
    lines.splice(
      unreleased.heading + 1,
      unreleased.end - unreleased.heading - 1,
      '',
      `## [${v.version}] - ${date}`,
      '',
      unreleased.body,
      ''
    )
  }
  return updateLinks(lines.join('\n'), v.version, previous)
}

/** Keep a Changelog's kinds of change, in its order. */
const KINDS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']

/** A section's body as its text before the first `### ` heading and its `### ` parts. */
function parts(body) {
  const [intro, ...rest] = body.split(/^(?=### )/m)
  const found = intro.startsWith('### ') ? [intro, ...rest] : rest
  return {
    intro: intro.startsWith('### ') ? '' : intro.trim(),
    kinds: found.map(part => {
      const [heading, ...text] = part.split('\n')
      return { name: heading.replace(/^###\s+/, '').trim(), text: text.join('\n').trim() }
    })
  }
}

/** The prepared section's body with Unreleased's folded in: intros joined, lists appended. */
function fold(prepared, unreleased) {
  const into = parts(prepared)
  const from = parts(unreleased)
  const kinds = [...into.kinds]
  for (const kind of from.kinds) {
    const same = kinds.find(k => k.name === kind.name)
    if (same) same.text = [same.text, kind.text].filter(Boolean).join('\n')
    else kinds.push({ ...kind })
  }
  const rank = name => (KINDS.includes(name) ? KINDS.indexOf(name) : KINDS.length)
  kinds.sort((a, b) => rank(a.name) - rank(b.name))
  const intro = [into.intro, from.intro].filter(Boolean).join('\n\n')
  return [intro, ...kinds.map(k => `### ${k.name}\n\n${k.text}`)].filter(Boolean).join('\n\n')
}

function updateLinks(text, version, previous) {
  const lines = text.split('\n')
  const at = lines.findIndex(l => /^\[unreleased\]:\s/i.test(l))
  if (at < 0) return text
  const m = /^\[unreleased\]:\s+(\S+)\/compare\/\S+\.\.\.HEAD\s*$/i.exec(lines[at])
  if (!m) return text
  const base = m[1]
  const own = lines.findIndex(l => l.startsWith(`[${version}]:`))
  const link = previous
    ? `[${version}]: ${base}/compare/v${parseVersion(previous).version}...v${version}`
    : `[${version}]: ${base}/releases/tag/v${version}`
  lines[at] = `[Unreleased]: ${base}/compare/v${version}...HEAD`
  if (own >= 0) lines[own] = link
  else lines.splice(at + 1, 0, link)
  return lines.join('\n')
}

// The command line: node scripts/changelog.mjs notes VERSION [FILE]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command, version, file = 'CHANGELOG.md'] = process.argv.slice(2)
  try {
    if (command !== 'notes' || !version) {
      throw new Error('usage: node scripts/changelog.mjs notes VERSION [CHANGELOG.md]')
    }
    process.stdout.write(`${notes(readFileSync(file, 'utf8'), version)}\n`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  }
}
