/**
 * The layering rule of docs/development.md's layout is enforced by `npm run lint`: a file placed in a
 * folder that imports the wrong way fails it. ESLint lints fixture text as if it were there.
 */
import { describe, expect, it } from '@jest/globals'
import { ESLint } from 'eslint'
import { resolve } from 'node:path'

const eslint = new ESLint({ cwd: resolve(import.meta.dirname, '..') })

async function problems(path: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path })
  return result.messages.map(m => `${m.ruleId}: ${m.message}`)
}

const RULE = '@typescript-eslint/no-restricted-imports'

describe('the layering rule', () => {
  it('refuses render/ importing github/, type-only imports too', async () => {
    for (const kind of ['', 'type ']) {
      const found = await problems(
        'src/render/x.ts',
        `import ${kind}{ Client } from '../github/client.js'\nexport type X = Client\n`
      )
      expect(found).toEqual([
        `${RULE}: '../github/client.js' import is restricted from being used by a pattern. src/render/ may import only src/core/ and its own folder (docs/development.md, "Layout").`
      ])
    }
  })

  it('refuses core/ reaching any other folder or a GitHub library', async () => {
    const found = await problems(
      'src/core/x.ts',
      "import { readValue } from '../io/files.js'\nimport * as core from '@actions/core'\nexport const x = [readValue, core]\n"
    )
    expect(found).toHaveLength(2)
    expect(found.every(p => p.startsWith(RULE))).toBe(true)
  })

  it('refuses a dynamic import() the wrong way too', async () => {
    expect(
      await problems('src/render/x.ts', "export const x = () => import('../github/client.js')\n")
    ).toEqual([
      'no-restricted-syntax: src/render/ may import only src/core/ and its own folder (docs/development.md, "Layout").'
    ])
    expect(
      await problems('src/core/x.ts', "export const x = () => import('@actions/cache')\n")
    ).toEqual(['no-restricted-syntax: src/core/ is pure: no I/O, no GitHub libraries.'])
    expect(
      await problems(
        'src/cache/x.ts',
        "export const x = () => import('../core/verdict/rubric.js')\n"
      )
    ).toEqual([])
  })

  it('lets render/ import core/, and cli/ import anything', async () => {
    expect(
      await problems(
        'src/render/x.ts',
        "import { round } from '../core/verdict/rubric.js'\nexport const x = round\n"
      )
    ).toEqual([])
    expect(
      await problems(
        'src/cli/x.ts',
        "import { createClient } from '../github/client.js'\nimport { round } from '../core/verdict/rubric.js'\nexport const x = [createClient, round]\n"
      )
    ).toEqual([])
  })

  describe('inside the pure core, each folder reaches only the folders under it', () => {
    const refusedBy = (folder: string, text: string) => problems(`src/core/${folder}/x.ts`, text)

    it('refuses stats/ reaching the history, the top or beyond the core', async () => {
      for (const from of ['../history/samples.js', '../types.js', '../../render/wording.js']) {
        const found = await refusedBy('stats', `import { x } from '${from}'\nexport const y = x\n`)
        expect(found).toEqual([
          `${RULE}: '${from}' import is restricted from being used by a pattern. src/core/stats/ may import only its own folder (docs/development.md, "Layout").`
        ])
      }
      expect(
        await refusedBy('stats', "import { x } from './summary.js'\nexport const y = x\n")
      ).toEqual([])
    })

    it('lets history/ use stats/, verdict/ and the top, never inputs/ or notify/', async () => {
      for (const from of ['../stats/summary.js', '../verdict/rubric.js', '../types.js']) {
        expect(
          await refusedBy('history', `import { x } from '${from}'\nexport const y = x\n`)
        ).toEqual([])
      }
      for (const from of ['../inputs/config.js', '../notify/tracking.js']) {
        const found = await refusedBy(
          'history',
          `import type { X } from '${from}'\nexport type Y = X\n`
        )
        expect(found).toHaveLength(1)
        expect(found[0]).toContain(
          'src/core/history/ may import only src/core/stats/, src/core/verdict/'
        )
      }
    })

    it('refuses verdict/ reaching the history, dynamically too', async () => {
      expect(
        await refusedBy('verdict', "export const x = () => import('../history/attribution.js')\n")
      ).toEqual([
        'no-restricted-syntax: src/core/verdict/ may import only src/core/stats/, the core\'s top and its own folder (docs/development.md, "Layout").'
      ])
    })

    it('lets the top reach only stats/', async () => {
      const top = (text: string) => problems('src/core/x.ts', text)
      expect(
        await top(
          "import type { ChangePoint } from './stats/changepoint.js'\nexport type X = ChangePoint\n"
        )
      ).toEqual([])
      expect(
        await top("import type { Environment } from './errors.js'\nexport type X = Environment\n")
      ).toEqual([])
      const found = await top(
        "import type { MatchSummary } from './history/matching.js'\nexport type X = MatchSummary\n"
      )
      expect(found).toHaveLength(1)
      expect(found[0]).toContain(
        "src/core/'s top (types.ts, errors.ts) may import only src/core/stats/"
      )
    })

    it('holds a core folder the table does not name to the strictest rule', async () => {
      expect(
        await refusedBy('newfolder', "import { x } from '../types.js'\nexport const y = x\n")
      ).toHaveLength(1)
    })
  })
})
