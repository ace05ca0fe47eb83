import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * A strict validator of response bodies against GitHub's OpenAPI description
 * (`@octokit/openapi`), so the fake GitHub is held to what GitHub publishes.
 *
 * Why not ajv: the descriptions are OpenAPI 3.0 (`nullable: true`, not JSON Schema type
 * arrays), ajv would compile the whole 11-13 MB document or need a `$ref` walk anyway, and we
 * want every problem listed with its JSON path. The subset below is what the endpoints the
 * action calls use: `$ref`, `type`, `nullable` (and 3.1 type arrays), `required`, `properties`,
 * `items`, `enum`, `allOf`/`anyOf`/`oneOf`, `format: date-time`, and `additionalProperties`
 * (checked when it is `false` or a schema). Anything else in a schema is ignored.
 */

export interface Schema {
  $ref?: string
  type?: string | string[]
  nullable?: boolean
  required?: string[]
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  items?: Schema
  enum?: unknown[]
  format?: string
  allOf?: Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
}

interface Response {
  $ref?: string
  headers?: Record<string, unknown>
  content?: Record<string, { schema?: Schema }>
}

export interface Description {
  /** e.g. `api.github.com`, `ghes-3.17`. */
  name: string
  openapi: string
  servers?: { url: string }[]
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>
  components: Record<string, Record<string, unknown>>
}

const require = createRequire(import.meta.url)
const GENERATED = join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated')

/** The plain (not dereferenced) description: 11-13 MB instead of 60-70 MB; `$ref`s resolve here. */
export function loadDescription(name: string): Description {
  const doc = JSON.parse(readFileSync(join(GENERATED, `${name}.json`), 'utf8')) as Description
  return { ...doc, name }
}

/** The oldest GitHub Enterprise Server version the package describes, e.g. `ghes-3.17`. */
export function oldestGhes(): string {
  const versions = readdirSync(GENERATED)
    .map(file => /^ghes-(\d+)\.(\d+)\.json$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]))
  if (!versions.length) throw new Error(`no GHES description in ${GENERATED}`)
  return `ghes-${versions[0][1]}.${versions[0][2]}`
}

function resolve<T extends { $ref?: string }>(doc: Description, node: T): T {
  let current: T = node
  for (let hops = 0; current.$ref; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${node.$ref}`)
    const ref = current.$ref
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref}`)
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], doc) as T
    if (!current) throw new Error(`unresolved $ref ${ref}`)
  }
  return current
}

/** The documented response for a path template, method and status; throws when it is not documented. */
export function documentedResponse(
  doc: Description,
  path: string,
  method: string,
  status: number
): Response {
  const operation = doc.paths[path]?.[method.toLowerCase()]
  if (!operation) throw new Error(`${doc.name} does not describe ${method} ${path}`)
  const response = operation.responses[String(status)]
  if (!response) throw new Error(`${doc.name} does not describe ${status} for ${method} ${path}`)
  return resolve(doc, response)
}

/** The JSON schema of a documented response body; undefined when the response has no body. */
export function responseSchema(
  doc: Description,
  path: string,
  method: string,
  status: number
): Schema | undefined {
  return documentedResponse(doc, path, method, status).content?.['application/json']?.schema
}

/** Every way `value` departs from `schema`, as `$.path: problem` lines; empty when it conforms. */
export function validate(doc: Description, schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(doc, schema)
  if (s.allOf) return s.allOf.flatMap(part => validate(doc, part, value, at))
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) {
    if (value === null && allowsNull(s)) return []
    const tries = alternatives.map(part => validate(doc, part, value, at))
    return tries.some(problems => problems.length === 0)
      ? []
      : [`${at}: matches none of ${alternatives.length} alternatives (${tries[0].join('; ')})`]
  }
  if (value === null) return allowsNull(s) ? [] : [`${at}: null where the schema does not allow it`]
  if (value === undefined) return [`${at}: missing`]
  const problems = typeProblems(s, value, at)
  if (problems.length) return problems
  if (s.enum && !s.enum.includes(value))
    return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`]
  if (s.format === 'date-time' && Number.isNaN(Date.parse(value as string)))
    return [`${at}: ${JSON.stringify(value)} is not a date-time`]
  if (Array.isArray(value) && s.items)
    return value.flatMap((item, i) => validate(doc, s.items as Schema, item, `${at}[${i}]`))
  if (isObject(value)) return objectProblems(doc, s, value, at)
  return []
}

function allowsNull(s: Schema): boolean {
  return (
    s.nullable === true ||
    (Array.isArray(s.type) && s.type.includes('null')) ||
    (s.enum?.includes(null) ?? false)
  )
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function typeProblems(s: Schema, value: unknown, at: string): string[] {
  const types = (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []).filter(t => t !== 'null')
  if (!types.length) return []
  const fits = types.some(type => {
    switch (type) {
      case 'integer':
        return Number.isInteger(value)
      case 'number':
        return typeof value === 'number' && Number.isFinite(value)
      case 'array':
        return Array.isArray(value)
      case 'object':
        return isObject(value)
      default:
        return typeof value === type
    }
  })
  return fits ? [] : [`${at}: ${JSON.stringify(value)} is not of type ${types.join(' or ')}`]
}

function objectProblems(
  doc: Description,
  s: Schema,
  value: Record<string, unknown>,
  at: string
): string[] {
  const properties = s.properties ?? {}
  const problems = (s.required ?? [])
    .filter(key => value[key] === undefined)
    .map(key => `${at}.${key}: required but missing`)
  for (const [key, item] of Object.entries(value)) {
    const declared = properties[key]
    if (declared) problems.push(...validate(doc, declared, item, `${at}.${key}`))
    else if (s.additionalProperties === false) problems.push(`${at}.${key}: not allowed here`)
    else if (isObject(s.additionalProperties))
      problems.push(...validate(doc, s.additionalProperties, item, `${at}.${key}`))
  }
  return problems
}
