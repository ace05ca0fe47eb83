/**
 * No module in src/ imports, through any chain, a module that imports it back: the layers say
 * which way imports go, and this says no way round is left inside a folder either.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { circles, importGraph, type ImportGraph } from '../__fixtures__/import-graph.js'

const root = resolve(import.meta.dirname, '..')

describe('import circles', () => {
  it('finds none anywhere in src/', () => {
    const graph = importGraph(root, 'src')
    expect(graph.size).toBeGreaterThan(40)
    expect(graph.get('src/core/types.ts')).toEqual(['src/core/stats/changepoint.ts'])
    expect(circles(graph)).toEqual([])
  })

  it('finds a circle through type-only and dynamic imports', () => {
    const graph: ImportGraph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []]
    ])
    expect(circles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
    expect(circles(new Map([['x.ts', ['x.ts']]]))).toEqual([['x.ts', 'x.ts']])
  })

  it('reads static, type-only and dynamic imports from source text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helm-rolling-graph-'))
    try {
      mkdirSync(join(dir, 'src'))
      writeFileSync(join(dir, 'src/a.ts'), "import { b } from './b.js'\nexport const a = b\n")
      writeFileSync(
        join(dir, 'src/b.ts'),
        "import type { C } from './c.js'\nexport const b: C = 1\n"
      )
      writeFileSync(
        join(dir, 'src/c.ts'),
        "export type C = number\nexport const c = () => import('./a.js')\n"
      )
      const graph = importGraph(dir, 'src')
      expect(graph.get('src/b.ts')).toEqual(['src/c.ts'])
      expect(graph.get('src/c.ts')).toEqual(['src/a.ts'])
      expect(circles(graph)).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts']])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
