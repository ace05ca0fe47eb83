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
      await problems('src/cache/x.ts', "export const x = () => import('../core/stats.js')\n")
    ).toEqual([])
  })

  it('lets render/ import core/, and cli/ import anything', async () => {
    expect(
      await problems(
        'src/render/x.ts',
        "import { round } from '../core/stats.js'\nexport const x = round\n"
      )
    ).toEqual([])
    expect(
      await problems(
        'src/cli/x.ts',
        "import { createClient } from '../github/client.js'\nimport { round } from '../core/stats.js'\nexport const x = [createClient, round]\n"
      )
    ).toEqual([])
  })
})
