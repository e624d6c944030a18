// A workflow's output as MCP content blocks, as model-compose's MCP adapter
// makes them from the output's declared type: an image or audio value becomes
// a base64 image/audio block (mime type from the subtype: `as image/jpeg`),
// a video or file an embedded resource, bytes of no media type an
// octet-stream resource, text a text block and anything else its JSON text.
// An output of several keys is one JSON text of its keys (model-compose gives
// one unnamed block per key; mc keeps the names) followed by a block per media key.

import type { ContentBlock } from '@modelcontextprotocol/sdk/types.js'
import { jsonText } from '../http/json-response.ts'
import type { OutputSchema } from '../model/io-schema.ts'

type ValueSchema = Extract<OutputSchema, { kind: 'value' }>

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'file'])

export function contentOfOutput(output: unknown, schema: OutputSchema | undefined, taskId: string): ContentBlock[] {
  if (output === null || output === undefined) return []
  if (schema?.kind !== 'object' || typeof output !== 'object' || Array.isArray(output) || output instanceof Uint8Array) {
    return [blockOf(output, schema?.kind === 'value' ? schema : undefined, taskId, 'output')]
  }
  const values = output as Record<string, unknown>
  const media = Object.entries(schema.fields).filter(([name, field]) => isMedia(field) && values[name] !== undefined && values[name] !== null)
  const mediaNames = new Set(media.map(([name]) => name))
  const rest = Object.fromEntries(Object.entries(values).filter(([name]) => !mediaNames.has(name)))
  const blocks: ContentBlock[] = Object.keys(rest).length > 0 || media.length === 0 ? [{ type: 'text', text: jsonText(rest) }] : []
  for (const [name, field] of media) blocks.push(blockOf(values[name], field as ValueSchema, taskId, name))
  return blocks
}

const isMedia = (schema: OutputSchema): boolean => schema.kind === 'value' && MEDIA_TYPES.has(schema.type ?? '')

function blockOf(value: unknown, schema: ValueSchema | undefined, taskId: string, name: string): ContentBlock {
  const type = schema?.type ?? ''
  const data = MEDIA_TYPES.has(type) ? base64Of(value, schema?.format) : undefined
  if (data !== undefined) {
    if (type === 'image') return { type: 'image', data, mimeType: `image/${schema?.subtype ?? 'png'}` }
    if (type === 'audio') return { type: 'audio', data, mimeType: `audio/${schema?.subtype ?? 'wav'}` }
    const mimeType = type === 'video' ? `video/${schema?.subtype ?? 'mp4'}` : 'application/octet-stream'
    return { type: 'resource', resource: { uri: `resource://${taskId}/${name}`, mimeType, blob: data } }
  }
  if (value instanceof Uint8Array) {
    return { type: 'resource', resource: { uri: `resource://${taskId}/${name}`, mimeType: 'application/octet-stream', blob: Buffer.from(value).toString('base64') } }
  }
  return { type: 'text', text: typeof value === 'string' ? value : jsonText(value) }
}

/**
 * A media value as base64: its bytes, a base64 text or a data: URI's payload.
 * A URL or a path is not fetched or read (mc does not reach out for an answer):
 * undefined, and the value goes out as text.
 */
function base64Of(value: unknown, format: string | undefined): string | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (typeof value !== 'string') return undefined
  const dataUri = /^data:[^,]*;base64,/.exec(value)
  if (dataUri) return value.slice(dataUri[0].length)
  if (format === 'base64' || (format === undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0)) return value
  return undefined
}
