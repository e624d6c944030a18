// The file a `plugins:` entry that names a folder imports: the package's own
// entry, found as Bun resolves a package. A folder whose entry is missing (npm
// init's default "main": "index.js" beside an index.ts under another name, an
// unbuilt dist/) fails in one line naming the folder, the file and the fix.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface Manifest {
  name?: unknown
  main?: unknown
  exports?: unknown
}

/** Its `exports` (resolved as the package would import itself by name), else `main`, else index.ts / index.js. */
export function packageEntry(folder: string): string {
  const manifest = readManifest(folder)
  if (manifest.exports !== undefined && typeof manifest.name === 'string') {
    try {
      return Bun.resolveSync(manifest.name, folder)
    } catch {
      throw new Error(`plugin folder ${folder}: package.json "exports" names no file that exists; point it at the plugin's entry file${hint(folder)}`)
    }
  }
  try {
    return Bun.resolveSync(folder, folder)
  } catch {
    if (typeof manifest.main === 'string') {
      throw new Error(`plugin folder ${folder}: package.json "main" is "${manifest.main}", which does not exist; set "main" to the plugin's entry file${hint(folder)}, or build ${manifest.main} there`)
    }
    throw new Error(`plugin folder ${folder} has no index.ts or index.js; set "main" in its package.json to the plugin's entry file${hint(folder)}`)
  }
}

function readManifest(folder: string): Manifest {
  const path = join(folder, 'package.json')
  if (!existsSync(path)) return {}
  try {
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (manifest && typeof manifest === 'object' && !Array.isArray(manifest)) return manifest as Manifest
  } catch {
    // said below
  }
  throw new Error(`${path} is not a JSON object`)
}

/** The folder's script files an author may have meant, as " (the folder has a.ts, b.js)". */
function hint(folder: string): string {
  const scripts = readdirSync(folder).filter((name) => /\.(?:[cm]?[jt]s|tsx|jsx)$/.test(name) && !/\.(?:d|test)\.[cm]?ts$/.test(name)).sort()
  return scripts.length ? ` (the folder has ${scripts.slice(0, 3).join(', ')}${scripts.length > 3 ? ', …' : ''})` : ''
}
