// A JSON request body, read in time and memory linear in its size. A scanner
// watches the bytes as they arrive and refuses nesting deeper than a limit and
// more values than a limit before anything is parsed (JSON.parse of 16 MB of
// `[` takes seconds and gigabytes). It also notices `# comments` outside
// strings, as the guide's curl examples carry them; those are cut out in one
// linear pass before JSON.parse. No general YAML parse ever runs on a body.

import { badRequest, HttpError } from '../errors.ts'
import { mediaType } from './media-type.ts'
import { readBodyBytes, type BodyReadLimits } from './read-body.ts'

export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number
  /** Most values (array items and object members) in the whole document. */
  maxValues: number
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const HASH = 0x23
const NEWLINE = 0x0a
const COMMA = 0x2c
const OPEN_ARRAY = 0x5b
const OPEN_OBJECT = 0x7b
const CLOSE_ARRAY = 0x5d
const CLOSE_OBJECT = 0x7d

/** Watches a JSON body piece by piece (the state carries across pieces). */
class JsonScanner {
  private inString = false
  private escaped = false
  private inComment = false
  private depth = 0
  private values = 0
  hasComments = false

  constructor(private readonly limits: JsonLimits) {}

  feed(piece: Uint8Array): void {
    for (let i = 0; i < piece.length; i++) {
      const byte = piece[i]!
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (byte === BACKSLASH) this.escaped = true
        else if (byte === QUOTE) this.inString = false
      } else if (this.inComment) {
        if (byte === NEWLINE) this.inComment = false
      } else if (byte === QUOTE) this.inString = true
      else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
        if (++this.depth > this.limits.maxDepth) throw badRequest(`request body nests deeper than ${this.limits.maxDepth} levels (the limit)`)
        this.count()
      } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) this.depth--
      else if (byte === COMMA) this.count()
      else if (byte === HASH) this.inComment = this.hasComments = true
    }
  }

  private count(): void {
    if (++this.values > this.limits.maxValues) throw badRequest(`request body has more than ${this.limits.maxValues} values (the limit)`)
  }
}

export type BodyLimits = BodyReadLimits & JsonLimits

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 16 * 1024 * 1024, timeoutMs: 60_000, maxDepth: 64, maxValues: 1_000_000 }

/** Reads and parses a JSON request body within the limits. */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const scanner = new JsonScanner(limits)
  return parseJsonBody(await readBodyBytes(request, limits, (piece) => scanner.feed(piece)), scanner)
}

/**
 * A JSON object sent as application/json: a browser page cannot post that
 * cross-site without the server's CORS consent, unlike text/plain or a form.
 */
export async function readJsonObject(request: Request, limits: BodyLimits): Promise<Record<string, unknown>> {
  const type = mediaType(request.headers.get('content-type'))
  if (type !== 'application/json') throw new HttpError(415, `send the body as application/json${type ? ` (got ${type})` : ''}`)
  const body = await readJsonBody(request, limits)
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body: expected a JSON object')
  return body as Record<string, unknown>
}

/** Parses a body the scanner has seen whole; an empty body is `{}`. */
function parseJsonBody(bytes: Uint8Array, scanner: JsonScanner): unknown {
  let text = new TextDecoder().decode(bytes)
  if (scanner.hasComments) text = withoutComments(text)
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    throw badRequest(`request body is not valid JSON: ${(error as Error).message}`)
  }
}

/** The text with every `#` comment outside strings removed (up to its line end). */
function withoutComments(text: string): string {
  let out = ''
  let from = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === BACKSLASH) i++
      else if (code === QUOTE) inString = false
    } else if (code === QUOTE) inString = true
    else if (code === HASH) {
      out += text.slice(from, i)
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end - 1
      from = i + 1
    }
  }
  return out + text.slice(from)
}
