// `driver: static`: the files of `static_dir`, index.html for a folder. A path
// is looked up by its real location (symlinks resolved) and served only when
// that lies inside the real `static_dir`; a path that does not decode, or
// holds a NUL, is a 400.

import { realpathSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { jsonResponse as json } from '../http/json-response.ts'

export function staticFileResponse(root: string, request: Request): Response {
  let path: string
  try {
    path = decodeURIComponent(new URL(request.url).pathname)
  } catch {
    return json({ detail: 'the path is not valid percent-encoded UTF-8' }, 400)
  }
  if (path.includes('\0')) return json({ detail: 'the path holds a NUL character' }, 400)
  const file = realFileWithin(root, path.endsWith('/') ? `${path}index.html` : path)
  return file ? new Response(Bun.file(file)) : json({ detail: 'not found' }, 404)
}

/** The real path of a regular file inside the real `root`, or undefined. */
function realFileWithin(root: string, path: string): string | undefined {
  try {
    const realRoot = realpathSync(root)
    let real = realpathSync(resolve(realRoot, `.${path}`))
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined
    if (statSync(real).isDirectory()) real = realpathSync(join(real, 'index.html'))
    if (!real.startsWith(realRoot + sep) || !statSync(real).isFile()) return undefined
    return real
  } catch {
    return undefined
  }
}
