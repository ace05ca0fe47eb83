// The README and docs/ are what a user reads first: their links must lead somewhere, the README
// must stay short enough to read, and every reason the action can give for skipping a run must
// be explained in docs/troubleshooting.md. The skip reasons are read from src/ itself (with
// TypeScript's parser), so a new reason without a line in that page fails here.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(import.meta.dirname, '..')
const read = (path: string): string => readFileSync(path, 'utf8')
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]
  )

/** The pages for people who use the action: the Markdown directly under docs/. */
const userPages = readdirSync(join(root, 'docs'))
  .filter(name => name.endsWith('.md'))
  .map(name => `docs/${name}`)

/** The pages for people who work on it: docs/development/ and below. */
const contributorPages = filesUnder(join(root, 'docs', 'development'))
  .filter(file => file.endsWith('.md'))
  .map(file => relative(root, file))

const pages = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  'CHANGELOG.md',
  ...userPages,
  ...contributorPages
]

/** Markdown without fenced code blocks and code spans, where link syntax means nothing. */
const prose = (markdown: string): string =>
  markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '')

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, dashes. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  const body = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '')
  for (const [, heading] of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** Every link target in a page: inline `[text](target)` and reference `[label]: target`. */
function linksOf(markdown: string): string[] {
  const text = prose(markdown)
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(m => m[1])
  const reference = [...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map(m => m[1])
  return [...inline, ...reference]
}

/** Why a relative link from `page` does not resolve, or undefined when it does. */
function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined // https:, mailto:
  const [path, anchor] = target.split('#', 2)
  const file = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path)
  if (!existsSync(file)) return `${target}: ${relative(root, file)} does not exist`
  if (anchor === undefined || statSync(file).isDirectory() || !file.endsWith('.md'))
    return undefined
  if (!anchorsOf(read(file)).has(anchor.toLowerCase()))
    return `${target}: no heading in ${relative(root, file)} gives #${anchor}`
  return undefined
}

describe('README.md and docs/', () => {
  it('every relative link and #anchor resolves', () => {
    const broken = pages.flatMap(page =>
      linksOf(read(join(root, page))).flatMap(target => {
        const why = brokenLink(page, target)
        return why ? [`${page}: ${why}`] : []
      })
    )
    expect(broken).toEqual([])
  })

  it('the link checker sees links and rejects a broken one', () => {
    expect(linksOf(read(join(root, 'README.md'))).length).toBeGreaterThan(5)
    expect(brokenLink('README.md', 'docs/nowhere.md')).toMatch(/does not exist/)
    expect(brokenLink('README.md', '#no-such-heading')).toMatch(/no heading/)
    expect(brokenLink('README.md', 'docs/troubleshooting.md#no-such-heading')).toMatch(/no heading/)
    expect(anchorsOf('## The `skipped` output\n## Cost\n## Cost')).toEqual(
      new Set(['the-skipped-output', 'cost', 'cost-1'])
    )
  })

  it('the README stays under 2,500 words', () => {
    const words = read(join(root, 'README.md')).split(/\s+/).filter(Boolean).length
    expect(words).toBeLessThan(2500)
  })

  it('the README links every user page of docs/, and CONTRIBUTING.md every contributor page', () => {
    const readme = read(join(root, 'README.md'))
    expect(userPages.filter(page => !readme.includes(`](${page}`))).toEqual([])
    const contributing = read(join(root, 'CONTRIBUTING.md'))
    expect(contributorPages.length).toBeGreaterThan(2)
    expect(contributorPages.filter(page => !contributing.includes(`](${page}`))).toEqual([])
  })
})

/**
 * What belongs in docs/development/ and not on a user's page: paths into the source, the
 * tests and their fixtures, test file names, and tables of figures before and after a change.
 */
const CONTRIBUTOR_ONLY: [string, RegExp][] = [
  ['a test path', /__tests__\//],
  ['a fixture path', /__fixtures__\//],
  ['a source path', /(?<![\w./-])src\/[\w./-]/],
  ['a test file name', /\b[\w.-]+\.test\.ts\b/],
  ['figures before and after a change', /\bbefore\s*->\s*now\b/i]
]

function contributorMaterial(markdown: string): string[] {
  return markdown
    .split('\n')
    .flatMap((line, i) =>
      CONTRIBUTOR_ONLY.filter(([, pattern]) => pattern.test(line)).map(
        ([what]) => `line ${i + 1}: ${what}: ${line.trim().slice(0, 120)}`
      )
    )
}

describe('user pages and contributor pages', () => {
  it('the pages under docs/ hold no source paths, test names or before -> now figures', () => {
    const found = userPages.flatMap(page =>
      contributorMaterial(read(join(root, page))).map(where => `${page}: ${where}`)
    )
    expect(found).toEqual([])
  })

  it('the check finds each kind, and leaves user paths alone', () => {
    const found = contributorMaterial(
      [
        'See `src/github/listing.ts`.',
        'Test: `e2e.edges.test.ts`.',
        '`__tests__/docs.test.ts` and `__fixtures__/bound.ts`',
        '| history | found (before -> now) |',
        'your `scripts/helm-install-rolling.sh`, `.github/workflows/chart.yml`, docs/src-free.md'
      ].join('\n')
    )
    expect(found.map(f => f.split(':')[0] + ':' + f.split(':')[1])).toEqual([
      'line 1: a source path',
      'line 2: a test file name',
      'line 3: a test path',
      'line 3: a fixture path',
      'line 3: a test file name',
      'line 4: figures before and after a change'
    ])
  })
})

/**
 * The skip reasons src/ can produce, as regular expressions: the text of every string given to
 * `new SkipRun(...)` or set as a `skip:` property, and of every string the functions that word
 * a reason return. A `${...}` in a template matches any text.
 */
const REASON_FUNCTIONS = new Set(['absenceReason', 'excludeReason', 'parseSample'])

function literalsIn(node: ts.Node): RegExp[] {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return [new RegExp(escape(node.text))]
  if (ts.isTemplateExpression(node)) {
    const parts = [
      escape(node.head.text),
      ...node.templateSpans.map(s => `.+?${escape(s.literal.text)}`)
    ]
    return [new RegExp(parts.join(''))]
  }
  // Not into calls: their arguments are not the reason's text (a call's result is found where
  // it is worded, in one of REASON_FUNCTIONS).
  if (ts.isCallExpression(node)) return []
  return node.getChildren().flatMap(literalsIn)
}

function skipReasons(): { file: string; reason: RegExp }[] {
  const found: { file: string; reason: RegExp }[] = []
  for (const file of filesUnder(join(root, 'src')).filter(f => f.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true)
    const add = (nodes: ts.Node[]): void => {
      for (const reason of nodes.flatMap(literalsIn))
        found.push({ file: relative(root, file), reason })
    }
    const visit = (node: ts.Node, inReasonFunction: boolean): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === 'SkipRun')
        add([...(node.arguments ?? [])])
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'skip') add([node.initializer])
      if (inReasonFunction && ts.isReturnStatement(node) && node.expression) add([node.expression])
      const entering = ts.isFunctionDeclaration(node) && REASON_FUNCTIONS.has(node.name?.text ?? '')
      ts.forEachChild(node, child => visit(child, inReasonFunction || entering))
    }
    visit(source, false)
  }
  return found
}

describe('docs/troubleshooting.md', () => {
  const page = read(join(root, 'docs', 'troubleshooting.md'))
  const reasons = skipReasons()

  it('finds the skip reasons in src/', () => {
    const texts = reasons.map(r => r.reason.source)
    expect(texts).toContain('digest mismatch')
    expect(texts).toContain('artifact expired')
    expect(texts).toContain('head repository is a fork')
    expect(texts).toContain('empty content')
    expect(reasons.length).toBeGreaterThan(25)
  })

  it('explains every skip reason the action can give', () => {
    const missing = reasons
      .filter(({ reason }) => !reason.test(page))
      .map(({ file, reason }) => `${file}: /${reason.source}/`)
    expect(missing).toEqual([])
  })

  it('covers breach, insufficient, permissions and GitHub Enterprise Server', () => {
    const headings = [...anchorsOf(page)]
    for (const topic of ['breach', 'insufficient', 'skip', 'permission', 'enterprise-server'])
      expect(headings.some(h => h.includes(topic))).toBe(true)
  })
})
