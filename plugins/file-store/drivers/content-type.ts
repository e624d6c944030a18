// A file's media type from its name, as model-compose guesses it (Python's
// mimetypes): null for a name whose extension says nothing.

import { extname } from 'node:path'

export function contentTypeOf(path: string): string | null {
  if (extname(path) === '') return null
  const type = Bun.file(path).type.split(';')[0]!.trim()
  return type === 'application/octet-stream' && extname(path).toLowerCase() !== '.bin' ? null : type
}
