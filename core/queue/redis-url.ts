// model-compose's Redis connection keys → one URL for Bun's RedisClient.
// Either `url`, or `host`/`port`/`secure`; `database` and `password` apply to
// both, but (as redis-py's from_url does) a database or password written in
// the URL wins over the separate keys.

export interface RedisConnectionKeys {
  url?: string
  host?: string
  port?: number
  secure?: boolean
  database?: number
  password?: string
}

export function redisUrlOf(keys: RedisConnectionKeys): string {
  const url = new URL(keys.url ?? `${keys.secure ? 'rediss' : 'redis'}://${hostPart(keys.host ?? 'localhost')}:${keys.port ?? 6379}`)
  if (keys.password !== undefined && keys.password !== '' && url.password === '') url.password = encodeURIComponent(keys.password)
  if (keys.database !== undefined && /^\/?$/.test(url.pathname)) url.pathname = `/${keys.database}`
  return url.toString()
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}
