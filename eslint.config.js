import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The layering rule (docs/development.md, "Layout"): core/ is pure and imports only core/; io/ reads local
 * files and the environment on top of core/; github/ and cache/ import core/ and io/; render/
 * imports core/ only; app/, cli/, main.ts and index.ts may import anything. Type-only imports
 * count. Each folder lists the sibling folders it may not reach.
 */
const MAY_IMPORT = {
  core: [],
  io: ['core'],
  github: ['core', 'io'],
  cache: ['core', 'io'],
  render: ['core']
}
const LIBRARIES = ['@actions/*', '@octokit/*', 'undici', 'yauzl', 'node:fs', 'node:child_process']
const wrongWay = (folder, allowed) =>
  `src/${folder}/ may import only ${allowed.length ? allowed.map(f => `src/${f}/`).join(', ') + ' and ' : ''}its own folder (docs/development.md, "Layout").`
const layer = (folder, allowed) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^\\.\\./(?!(${allowed.join('|') || '(?!)'})/)`,
            message: wrongWay(folder, allowed)
          },
          ...(folder === 'core'
            ? [{ group: LIBRARIES, message: 'src/core/ is pure: no I/O, no GitHub libraries.' }]
            : [])
        ]
      }
    ],
    // no-restricted-imports does not see import(): the same rule for a literal dynamic import
    // (an esquery regex cannot hold a '/', hence \x2F).
    'no-restricted-syntax': [
      'error',
      {
        selector: `ImportExpression[source.value=/^\\.\\.\\x2F(?!(${allowed.join('|') || '(?!)'})\\x2F)/]`,
        message: wrongWay(folder, allowed)
      },
      ...(folder === 'core'
        ? [
            {
              selector: `ImportExpression[source.value=/^(@actions|@octokit|undici|yauzl|node:fs|node:child_process)/]`,
              message: 'src/core/ is pure: no I/O, no GitHub libraries.'
            }
          ]
        : [])
    ]
  }
})

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
  ...Object.entries(MAY_IMPORT).map(([folder, allowed]) => layer(folder, allowed))
)
