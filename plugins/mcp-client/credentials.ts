// The credentials an MCP connection or call carries are registered as secrets,
// so that they never reach a log or an answer: headers holding one
// (Authorization, X-API-Key, ...; the bare token of "Bearer <token>" too), and
// a server URL's password and credential parameters.

import { isCredentialName, registerSecret, toText } from '../../core/plugin/api.ts'

export function registerUrlCredentials(url: string): void {
  if (!URL.canParse(url)) return
  const parsed = new URL(url)
  if (parsed.password) registerSecret(decodeURIComponent(parsed.password))
  for (const [name, value] of parsed.searchParams) if (isCredentialName(name)) registerSecret(value)
}

/** The headers as text; those holding a credential registered as secrets. */
export function headersOf(values: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value === null || value === undefined) continue
    const text = toText(value)
    headers[name.toLowerCase()] = text
    if (isCredentialName(name)) {
      registerSecret(text)
      registerSecret(text.replace(/^\w+\s+/, ''))
    }
  }
  return headers
}
