import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The layering rule (docs/development.md, "Layout"): core/ is pure and imports only core/; io/ reads local
 * files and the environment on top of core/; github/ and cache/ import core/ and io/; render/
 * imports core/ only; app/, cli/, main.ts and index.ts may import anything. Type-only imports
 * count. Each folder lists the sibling folders it may reach.
 */
const MAY_IMPORT = {
  io: ['core'],
  github: ['core', 'io'],
  cache: ['core', 'io'],
  render: ['core']
}
/**
 * Inside the pure core, each folder lists the core's folders it may reach; '' is the core's top
 * (types.ts and errors.ts: the data and errors every room shares). stats/ is numbers alone.
 */
const CORE_MAY_IMPORT = {
  '': ['stats'],
  stats: [],
  untrusted: [''],
  verdict: ['stats', ''],
  history: ['stats', 'verdict', 'untrusted', ''],
  inputs: ['stats', 'verdict', 'history', 'untrusted', ''],
  notify: ['stats', 'verdict', 'history', 'inputs', 'untrusted', '']
}
const LIBRARIES = ['@actions/*', '@octokit/*', 'undici', 'yauzl', 'node:fs', 'node:child_process']
const PURE = 'src/core/ is pure: no I/O, no GitHub libraries.'
const HOW = '(docs/development.md, "Layout").'

const names = list => (list.length ? list.join(', ') + ' and ' : '')

/** Relative imports that a file of `folder` may not make: as a regex source, and its message. */
function refused(folder) {
  if (folder in MAY_IMPORT) {
    const allowed = MAY_IMPORT[folder]
    return {
      source: `^\\.\\./(?!(${allowed.join('|')})/)`,
      message: `src/${folder}/ may import only ${names(allowed.map(f => `src/${f}/`))}its own folder ${HOW}`
    }
  }
  const allowed = CORE_MAY_IMPORT[folder]
  const subfolders = allowed.filter(f => f !== '')
  const top = allowed.includes('')
  const reach = [...subfolders.map(f => `src/core/${f}/`), ...(top ? ["the core's top"] : [])]
  const where = folder ? `src/core/${folder}/` : "src/core/'s top (types.ts, errors.ts)"
  const message = `${where} may import only ${names(reach)}its own folder ${HOW}`
  // The top reaches a core folder as './stats/…'; a folder reaches the others and the top with '../'.
  if (!folder) return { source: `^\\.\\./|^\\./(?!(${subfolders.join('|')})/)[^/]+/`, message }
  const may = [...subfolders.map(f => `${f}/`), ...(top ? ['[^/]+\\.js$'] : [])]
  return { source: may.length ? `^\\.\\./(?!${may.join('|')})` : '^\\.\\./', message }
}

/** An esquery regex cannot hold a '/', hence \x2F. */
const forSelector = source => source.replaceAll('/', '\\x2F')

const layer = (files, folder, pure) => {
  const { source, message } = refused(folder)
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: source, message },
            ...(pure ? [{ group: LIBRARIES, message: PURE }] : [])
          ]
        }
      ],
      // no-restricted-imports does not see import(): the same rule for a literal dynamic import.
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=/${forSelector(source)}/]`, message },
        ...(pure
          ? [
              {
                selector: `ImportExpression[source.value=/^(@actions|@octokit|undici|yauzl|node:fs|node:child_process)/]`,
                message: PURE
              }
            ]
          : [])
      ]
    }
  }
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'build/', '.demo/', '.puppeteerrc.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  ...Object.keys(MAY_IMPORT).map(folder => layer([`src/${folder}/**/*.ts`], folder, false)),
  // A core folder that the table does not name yet is held to the strictest rule (stats/'s).
  layer(['src/core/*/**/*.ts'], 'stats', true),
  ...Object.keys(CORE_MAY_IMPORT).map(folder =>
    layer([folder ? `src/core/${folder}/**/*.ts` : 'src/core/*.ts'], folder, true)
  )
)
