// What an upstream failure adds to its message, said once for every plugin
// (the component runtime calls this): a connection error names the origin and
// the key it came from (`base_url`), a timeout the action's `timeout` (its
// value and place, or that the default applied), a 401/403 the credential
// variables the component reads that are not set. Only names, never values.

import type { ActionModel, ComponentModel } from '../model/compose-model.ts'
import { envReadsOf } from '../model/env-reads.ts'
import { formatBindingPlace } from '../binding/template.ts'
import { HttpError } from '../errors.ts'
import { placeOf, formatPlace } from '../model/places.ts'

const CONNECTION = /\b(ECONNREFUSED|ConnectionRefused|ENOTFOUND|EAI_AGAIN|ECONNRESET|ConnectionReset|ConnectionClosed|EHOSTUNREACH|ENETUNREACH|FailedToOpenSocket)\b/
const TIMED_OUT = /did not answer within ([\d.]+)\s?s|sent nothing for ([\d.]+)\s?s/
const DENIED = /answered (401|403)\b/
/** The keys an upstream's address is written under, in the order they are looked for. */
const ADDRESS_KEYS = ['base_url', 'endpoint', 'url']

export interface UpstreamCall {
  component: ComponentModel
  action: ActionModel
  /** The action's keys as rendered for this run. */
  fields: Record<string, unknown>
  env: Record<string, string | undefined>
}

/** Errors already given their hint: one passing through nested components is told once. */
const hinted = new WeakSet<Error>()

/** Adds the hint to an upstream failure's message, once. */
export function addUpstreamHint(error: unknown, call: UpstreamCall): void {
  if (!(error instanceof Error) || hinted.has(error)) return
  hinted.add(error)
  error.message += upstreamHint(error, call)
}

/** The hint for an upstream failure (` — ...`), or '' when there is nothing to add. */
function upstreamHint(error: unknown, call: UpstreamCall): string {
  if (!(error instanceof HttpError) || (error.status !== 502 && error.status !== 504)) return ''
  const message = error.message
  const connection = CONNECTION.exec(message)?.[1]
  if (connection) return connectionHint(connection, message, call)
  const timedOut = TIMED_OUT.exec(message)
  if (timedOut) return timeoutHint(timedOut[1] ?? timedOut[2]!, call)
  if (DENIED.test(message)) return credentialHint(call)
  return ''
}

function connectionHint(code: string, message: string, call: UpstreamCall): string {
  const url = /\bhttps?:\/\/[^\s/?#]+/.exec(message)?.[0]
  // Never a user:password@ written in the URL.
  let origin = url?.replace(/\/\/[^@/]*@/, '//')
  try {
    if (url) origin = new URL(url).origin
  } catch {
    // a URL that does not parse is named as written
  }
  const where = addressKey(call)
  const from = where ? ` (${where})` : ''
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ` — the host of ${origin ?? 'the upstream'} is not found${from}`
  if (code === 'ECONNREFUSED' || code === 'ConnectionRefused' || code === 'FailedToOpenSocket') return ` — nothing answers at ${origin ?? 'the upstream'}${from}: is it running?`
  return ` — ${origin ?? 'the upstream'} closed the connection${from}`
}

/** `base_url at compose.yml:3:13`: the key the address came from, with its place when known. */
function addressKey({ component, action, fields }: UpstreamCall): string | undefined {
  for (const key of ADDRESS_KEYS) {
    if (component.settings[key] !== undefined) {
      const place = formatPlace(placeOf(component.settings, key))
      return place ? `${key} at ${place}` : key
    }
    if (fields[key] !== undefined) {
      const place = action.fields.keyPlace?.(key)
      return place ? `${key} at ${formatBindingPlace(place)}` : key
    }
  }
  return undefined
}

function timeoutHint(seconds: string, { component, action, fields }: UpstreamCall): string {
  if (fields.timeout !== undefined) {
    const place = action.fields.keyPlace?.('timeout')
    return ` — "timeout" is ${JSON.stringify(fields.timeout)}${place ? ` (${formatBindingPlace(place)})` : ''}: raise it to wait longer`
  }
  if (component.settings.timeout !== undefined) {
    // The action's places reach its component's keys too (compile-at.ts).
    const written = action.fields.keyPlace?.('timeout')
    const place = written ? formatBindingPlace(written) : formatPlace(placeOf(component.settings, 'timeout'))
    return ` — the component's "timeout" is ${JSON.stringify(component.settings.timeout)}${place ? ` (${place})` : ''}: raise it to wait longer`
  }
  return ` — no "timeout" is set, so the default of ${seconds}s applied: set "timeout:" to wait longer`
}

function credentialHint({ component, env }: UpstreamCall): string {
  const unset = envReadsOf(component).filter((name) => env[name] === undefined)
  const empty = envReadsOf(component).filter((name) => env[name] === '')
  const parts = [
    ...(unset.length ? [`${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set`] : []),
    ...(empty.length ? [`${empty.join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty`] : []),
  ]
  return parts.length ? ` — ${parts.join('; ')}` : ''
}
