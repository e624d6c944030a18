// Which local files a `load` reads, by split: `data_files` (a path, a list of
// them, or a mapping of split names to either; `*` patterns allowed) or every
// file of `data_dir`, all relative to the compose file's folder. A path or
// list gives the `train` split, as Hugging Face's `datasets` does. Every file
// must lie inside that folder: `data_files: ${input.file}` must not let a
// request read /etc/passwd. Total size is bounded (MC_DATASET_MAX_BYTES).

import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { describeBytes, invalidInput, toText } from '../../core/plugin/api.ts'

export type SplitFiles = Record<string, string[]>

export function filesBySplit(dataFiles: unknown, dataDir: unknown, baseDir: string, maxBytes: number): SplitFiles {
  const base = realpathSync(baseDir)
  const splits: Record<string, string[]> = {}
  if (dataFiles !== null && dataFiles !== undefined) {
    const named = typeof dataFiles === 'object' && !Array.isArray(dataFiles) ? (dataFiles as Record<string, unknown>) : { train: dataFiles }
    for (const [split, paths] of Object.entries(named)) {
      splits[split] = (Array.isArray(paths) ? paths : [paths]).flatMap((path) => matching(toText(path), base, 'data_files'))
    }
  } else if (dataDir !== null && dataDir !== undefined && dataDir !== '') {
    const dir = confined(toText(dataDir), base, 'data_dir')
    if (!statSync(dir).isDirectory()) throw invalidInput(`data_dir: "${toText(dataDir)}" is not a folder`)
    splits.train = readdirSync(dir).filter((name) => !name.startsWith('.')).sort().map((name) => join(dir, name)).filter((path) => statSync(path).isFile())
  } else throw invalidInput('data_files: give the local files to load (or data_dir)')
  let total = 0
  for (const path of Object.values(splits).flat()) total += statSync(path).size
  if (total > maxBytes) throw invalidInput(`the data files hold ${describeBytes(total)}, above MC_DATASET_MAX_BYTES (${describeBytes(maxBytes)})`)
  return splits
}

/** The files a path or `*` pattern names, each confined to the base folder. */
function matching(path: string, base: string, key: string): string[] {
  if (!path.includes('*')) return [confined(path, base, key)]
  const found = Array.from(new Bun.Glob(path).scanSync({ cwd: base, onlyFiles: true })).sort()
  if (found.length === 0) throw invalidInput(`${key}: no file matches "${path}"`)
  return found.map((match) => confined(match, base, key))
}

/** The real path of a file under the base folder; one outside it, or missing, is refused. */
function confined(path: string, base: string, key: string): string {
  const full = resolve(base, path)
  if (!existsSync(full)) throw invalidInput(`${key}: "${path}" does not exist (paths are relative to the compose file's folder)`)
  const real = realpathSync(full)
  const rel = relative(base, real)
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw invalidInput(`${key}: "${path}" is outside the compose file's folder`)
  return real
}
