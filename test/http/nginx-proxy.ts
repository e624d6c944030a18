// Debian's nginx as a reverse proxy in front of a local server, for tests:
// one process (no master, no workers: nothing outlives the test), its config,
// logs and temp files in a fresh temp folder, on a free port. Response
// buffering is left ON, as nginx ships it, and event streams are gzipped, as
// many production configs do: then only the upstream's `X-Accel-Buffering: no`
// makes nginx pass each event on as it comes (unbuffered, it flushes its
// compressor after each one; buffered, it holds the events back — checked by
// hand with `proxy_ignore_headers X-Accel-Buffering`: the tokens never came).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForHttp } from '../support/mc.ts'

export const NGINX = '/usr/sbin/nginx'

export interface NginxProxy {
  url: string
  stop(): Promise<void>
}

export async function startNginxProxy(upstreamPort: number): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-nginx-'))
  const port = freePort()
  const config = `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  gzip on;
  gzip_types text/event-stream;
  gzip_min_length 1;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
      proxy_read_timeout 30s;
    }
  }
}
`
  writeFileSync(join(dir, 'nginx.conf'), config)
  const proc = Bun.spawn([NGINX, '-p', dir, '-c', join(dir, 'nginx.conf')], { stdout: 'ignore', stderr: 'ignore' })
  const logs = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8')
    } catch {
      return ''
    }
  }
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}/api/health`, proc, logs)
  } catch (error) {
    proc.kill()
    throw error
  }
  return {
    url,
    async stop() {
      proc.kill('SIGQUIT')
      await proc.exited
    },
  }
}
