// The Redis server a `driver: redis` store talks to, from its keys: `url` as
// given, or one built from host, port, secure, database and password. The
// password is registered as a secret, so no message or log shows it.

import { registerSecret } from '../../core/plugin/api.ts'
import type { KeyValueSettings } from './schema.ts'

/** The server's URL: `url` as given, else built from host, port, secure, database and password (masked in every message). */
export function redisUrlOf(settings: KeyValueSettings): string {
  if (settings.password) registerSecret(settings.password)
  if (settings.url !== undefined) {
    const password = new URL(settings.url).password
    if (password) registerSecret(decodeURIComponent(password))
    return settings.url
  }
  const scheme = settings.secure === true ? 'rediss' : 'redis'
  const auth = settings.password ? `:${encodeURIComponent(settings.password)}@` : ''
  return `${scheme}://${auth}${settings.host ?? 'localhost'}:${settings.port ?? 6379}/${settings.database ?? 0}`
}
