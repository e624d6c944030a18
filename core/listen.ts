// Starting one of mc's HTTP servers (the controller, the Web UI sidecar), and
// the URL a client on this machine reaches it at.

interface Listener {
  listen(options: { hostname: string; port: number; idleTimeout?: number; maxRequestBodySize?: number }): unknown
  readonly server: { port?: number } | null
}

/** The URL a local client uses: a wildcard bind address is reached on 127.0.0.1. */
export function localUrl(host: string, port: number, path = ''): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${reachable}:${port}${path}`
}

/** Listens (no idle timeout: streams stay open), saying so in one line when the port is taken; returns the local URL. */
export function listen(app: Listener, what: string, host: string, port: number, maxRequestBodySize?: number): string {
  try {
    app.listen({ hostname: host, port, idleTimeout: 0, ...(maxRequestBodySize ? { maxRequestBodySize } : {}) })
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') throw new Error(`${what}port ${port} on ${host} is already in use`)
    throw error
  }
  return localUrl(host, app.server?.port ?? port)
}
