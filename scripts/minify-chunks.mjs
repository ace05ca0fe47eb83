#!/usr/bin/env node
// Minifies the lazily loaded chunks of a bundle folder in place:
//
//   node scripts/minify-chunks.mjs dist
//
// `ncc build --minify` minifies the entry only; its chunks (the cache client, the Azure storage
// SDK, the upload client, the YAML reader) stay as written, about 4.4 MB. Node parses a chunk
// before running it, and the steady-state check loads three of them between its requests
// (issue 33): minified they are a third of the size and load in about 40 ms less. esbuild only
// rewrites each file (no bundling): the module ids, the `export`s ncc's loader reads and the
// code's behaviour stay as they are. Licence texts are in dist/licenses.txt; comments marked
// as legal are kept at the end of each file. ncc's comments naming the package folder of each
// concatenated module go with the rest: one closing line keeps the folders (a test reads it to
// see that one copy of the Azure storage SDK is bundled).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'

const [folder] = process.argv.slice(2)
if (!folder) {
  console.error('usage: node scripts/minify-chunks.mjs FOLDER')
  process.exit(2)
}

for (const name of readdirSync(folder).filter(file => /^\d+\.index\.js$/.test(file))) {
  const path = join(folder, name)
  const before = readFileSync(path, 'utf8')
  const { code } = transformSync(before, {
    format: 'esm',
    minify: true,
    legalComments: 'eof',
    // The runner's Node: nothing is lowered.
    target: 'node24',
    logLevel: 'warning'
  })
  writeFileSync(path, code + packagesLine(before))
  console.log(`${path}: ${kib(before.length)} -> ${kib(code.length)} KiB`)
}

function kib(bytes) {
  return Math.round(bytes / 1024)
}

/** The package folders ncc names above its concatenated modules, as one closing comment. */
function packagesLine(text) {
  const marker = /CONCATENATED MODULE: (\S*?node_modules\/(?:@[^/\s]+\/)?[^/\s]+)\//g
  const folders = [...new Set([...text.matchAll(marker)].map(match => match[1]))].sort()
  return folders.length ? `/*! concatenated packages: ${folders.join(' ')} */\n` : ''
}
