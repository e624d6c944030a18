// The names a binding may use: its keys (roots), its types after `as` and its
// formats after `;` (SPEC §2, plus the ones model-compose files use). Anything
// else is a load error listing these. Adding a name is one line here.

/** What `${key...}` may start with, wherever a binding stands. */
export const BINDING_ROOTS: readonly string[] = [
  'input',
  'env',
  'jobs',
  'output',
  'response',
  'result',
  'stdout',
  'stderr',
  // control-flow jobs: the item a `for-each` / `filter` is at, and its index
  'item',
  'index',
  // a job's `on_error.output`
  'error',
]

/**
 * Roots model-compose 0.4.92 has that mc does not: the workflow's `context`
 * (task_id, ...), a job's interrupt `job`, an agent's `messages` / `tools`, a
 * model memory's `instruction` / `previous_summary`, a listener's `body` /
 * `query`, a gateway's `gateway:PORT`. A binding reading one says so.
 */
export const MODEL_COMPOSE_ONLY_ROOTS: readonly string[] = ['context', 'job', 'messages', 'tools', 'instruction', 'previous_summary', 'body', 'query', 'gateway']

/** `as type`; `T[]` (a list of T, as `audio[]`) is accepted for each. */
export const BINDING_TYPES: readonly string[] = [
  'string',
  'text',
  'integer',
  'number',
  'boolean',
  'json',
  'list',
  // `object`, `object/f1,a.f2` (a mapping, those fields) and `object[]` (a list of them).
  'object',
  'base64',
  'markdown',
  'image',
  'audio',
  'video',
  'file',
  'select',
  'slider',
  // model-compose 0.4.92: `as stream/text`, `as stream/json`.
  'stream',
]

/**
 * Other names of a type. model-compose passes a type it does not know through
 * unchecked; its own 0.4.92 example model-tasks/text-reranking writes `as int`.
 */
export const BINDING_TYPE_ALIASES: Readonly<Record<string, string>> = { int: 'integer' }

/**
 * `;format` (`data-uri`: model-compose 0.4.92). `base64` and `data-uri` are decoded
 * before the types that read text (formats.ts); otherwise hints for schemas and UIs.
 */
export const BINDING_FORMATS: readonly string[] = ['base64', 'url', 'path', 'data-uri', 'stream', 'sse-text', 'sse-json']

export function isBindingType(type: string): boolean {
  return BINDING_TYPES.includes(type) || (type.endsWith('[]') && BINDING_TYPES.includes(type.slice(0, -2)))
}
