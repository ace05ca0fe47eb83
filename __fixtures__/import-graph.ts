/**
 * The import graph of a source tree, read with TypeScript's own pre-processor (static, type-only
 * and dynamic imports alike), and the circles in it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** File (relative to the root) -> the files it imports (relative imports only). */
export type ImportGraph = Map<string, string[]>

export function importGraph(root: string, folder: string): ImportGraph {
  const graph: ImportGraph = new Map()
  for (const file of sourceFiles(join(root, folder))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = info.importedFiles
      .map(i => i.fileName)
      .filter(name => name.startsWith('.'))
      .map(name => relative(root, resolve(dirname(file), name.replace(/\.js$/, '.ts'))))
    graph.set(relative(root, file), targets)
  }
  return graph
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts'))
    .map(e => join(e.parentPath, e.name))
}

/** Every circle, each as the files along it (first file repeated at the end), found once. */
export function circles(graph: ImportGraph): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file)
  return found
}
