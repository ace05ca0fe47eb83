import { InputError, errorMessage } from '../core/errors.js'
import { parseMetrics, type MetricSpec } from '../core/inputs/metrics.js'

/** The YAML library's parser, as `readMetrics` loads it. */
export type YamlLoader = () => Promise<Pick<typeof import('yaml'), 'parse'>>

/**
 * The `metrics` input's YAML -> checked metrics. The action imports the YAML library here, on
 * use, so a check without `metrics` never loads it; the operator command, bundled as one file
 * without chunks, passes the library it imports itself. Aliases are capped: a list of a few
 * metrics never needs many, and an alias bomb would otherwise expand without bound.
 */
export async function readMetrics(
  text: string,
  load: YamlLoader = () => import('yaml')
): Promise<MetricSpec[]> {
  const { parse } = await load()
  let document: unknown
  try {
    document = parse(text, { maxAliasCount: 10, prettyErrors: false })
  } catch (error) {
    const first = errorMessage(error).split('\n')[0]
    throw new InputError('metrics', `is not valid YAML: ${first}`)
  }
  return parseMetrics(document)
}
