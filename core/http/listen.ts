// Starting one of mc's HTTP servers (the controller, the Web UI sidecar), and
// the URL a client on this machine reaches it at.

interface Listener {
  listen(options: { hostname: string; port: number; reusePort: boolean; idleTimeout: number; maxRequestBodySize?: number }): unknown
  readonly server: { port?: number } | null
}

/**
 * Seconds a connection may sit idle — a request head or body that stops
 * arriving, a keep-alive connection with no next request — before it is
 * closed. Responses that legitimately stay quiet (SSE streams, runs being
 * waited for) lift it for their own request with `server.timeout(request, 0)`.
 */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 10

/** The URL a local client uses: a wildcard bind address is reached on 127.0.0.1. */
export function localUrl(host: string, port: number, path = ''): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${reachable}:${port}${path}`
}

/**
 * Listens, refusing a port that is already taken (Bun and Elysia would share it
 * through SO_REUSEPORT, and the kernel would split requests between two mc);
 * returns the local URL.
 */
export function listen(app: Listener, what: string, host: string, port: number, options: { idleTimeoutSeconds?: number; maxRequestBodySize?: number } = {}): string {
  try {
    app.listen({
      hostname: host,
      port,
      reusePort: false,
      idleTimeout: options.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS,
      ...(options.maxRequestBodySize ? { maxRequestBodySize: options.maxRequestBodySize } : {}),
    })
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') throw new Error(`${what}port ${port} on ${host} is already in use: stop what listens there or choose another port`)
    throw error
  }
  return localUrl(host, app.server?.port ?? port)
}
