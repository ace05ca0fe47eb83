import { InputError, errorMessage } from '../core/errors.js'
import { parseMetrics, type MetricSpec } from '../core/inputs/metrics.js'

/**
 * The `metrics` input's YAML -> checked metrics. The YAML library is imported here, on use,
 * so a check without `metrics` never loads it. Aliases are capped: a list of a few metrics
 * never needs many, and an alias bomb would otherwise expand without bound.
 */
export async function readMetrics(text: string): Promise<MetricSpec[]> {
  const { parse } = await import('yaml')
  let document: unknown
  try {
    document = parse(text, { maxAliasCount: 10, prettyErrors: false })
  } catch (error) {
    const first = errorMessage(error).split('\n')[0]
    throw new InputError('metrics', `is not valid YAML: ${first}`)
  }
  return parseMetrics(document)
}
