// `driver: local`: files under the store's base folder. Every path goes
// through confine() (no escape by "..", absolute paths or symbolic links) and
// every file is opened with O_NOFOLLOW. A put writes a temporary file beside
// the target and renames it in place, so a reader never sees half a file and a
// refused upload (past `maxBytes`, MC_FILE_STORE_MAX_BYTES) leaves nothing.
// Results are model-compose's: {path, url, size, content_type[, modified_at,
// content]}.

import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { HttpError, invalidInput, type Stream } from '../../../core/plugin/api.ts'
import { confine } from './confined-path.ts'
import { contentTypeOf } from './content-type.ts'

/** Temporary files of puts under way: never listed. */
const UPLOAD_PREFIX = '.mc-upload-'

export interface FileInfo {
  path: string
  url: string
  size: number
  content_type: string | null
  modified_at?: string
}

export interface ListOptions {
  recursive: boolean
  pattern: Bun.Glob | undefined
  start: number
  limit: number
}

export class LocalFiles {
  /** `base`: the real path of the folder (made at start), `maxBytes`: the most one put writes or one get reads whole. */
  constructor(private readonly base: string, private readonly maxBytes: number) {}

  async put(path: unknown, chunks: AsyncIterable<Uint8Array>, contentType: string | null, where: string): Promise<FileInfo> {
    const target = confine(this.base, path, where)
    if (lstatSync(target.absolute, { throwIfNoEntry: false })?.isDirectory()) throw invalidInput(`${where}: "${target.relative}" is a folder`)
    mkdirSync(dirname(target.absolute), { recursive: true })
    const temporary = join(dirname(target.absolute), `${UPLOAD_PREFIX}${crypto.randomUUID()}`)
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644)
    let size = 0
    try {
      for await (const chunk of chunks) {
        size += chunk.byteLength
        if (size > this.maxBytes) throw new HttpError(413, `source: more than ${this.maxBytes} bytes, the most one put writes (MC_FILE_STORE_MAX_BYTES)`)
        for (let written = 0; written < chunk.byteLength; ) written += writeSync(fd, chunk, written)
      }
      closeSync(fd)
      renameSync(temporary, target.absolute)
    } catch (error) {
      try {
        closeSync(fd)
      } catch {}
      rmSync(temporary, { force: true })
      throw error
    }
    return { path: target.relative, url: pathToFileURL(target.absolute).href, size, content_type: contentType ?? contentTypeOf(target.relative) }
  }

  /** A file's details and its content: whole bytes, or (`chunkSize` given) a stream of chunks of that size, the file opened while it is read. */
  get(path: unknown, where: string, chunkSize: number | undefined): FileInfo & { content: Uint8Array | Stream<Uint8Array> } {
    const target = confine(this.base, path, where)
    const fd = this.openFile(target.absolute, target.relative, where)
    const stat = fstatSync(fd)
    const info = this.infoOf(target.relative, target.absolute, stat)
    if (chunkSize !== undefined) {
      closeSync(fd)
      return { ...info, content: this.chunks(target.absolute, target.relative, where, chunkSize) }
    }
    try {
      if (stat.size > this.maxBytes) throw new HttpError(413, `${where}: "${target.relative}" is ${stat.size} bytes, more than ${this.maxBytes} read whole (MC_FILE_STORE_MAX_BYTES); get it with streaming: true`)
      const content = new Uint8Array(stat.size)
      let read = 0
      for (let count = -1; read < stat.size && count !== 0; read += count) count = readSync(fd, content, read, stat.size - read, read)
      return { ...info, content: content.subarray(0, read) }
    } finally {
      closeSync(fd)
    }
  }

  private async *chunks(absolute: string, relative: string, where: string, chunkSize: number): AsyncGenerator<Uint8Array> {
    const fd = this.openFile(absolute, relative, where)
    try {
      for (;;) {
        const chunk = new Uint8Array(chunkSize)
        const count = readSync(fd, chunk, 0, chunkSize, null)
        if (count === 0) return
        yield chunk.subarray(0, count)
      }
    } finally {
      closeSync(fd)
    }
  }

  delete(path: unknown, where: string): { path: string } {
    const target = confine(this.base, path, where)
    const stat = lstatSync(target.absolute, { throwIfNoEntry: false })
    if (stat?.isDirectory()) throw invalidInput(`${where}: "${target.relative}" is a folder`)
    if (stat !== undefined) unlinkSync(target.absolute)
    return { path: target.relative }
  }

  exists(path: unknown, where: string): { path: string; exists: boolean } {
    const target = confine(this.base, path, where)
    return { path: target.relative, exists: lstatSync(target.absolute, { throwIfNoEntry: false }) !== undefined }
  }

  /** Files under a folder, by name, `limit` from `start` on; next_token is the offset to go on from. Links are neither listed nor entered. */
  list(path: unknown, where: string, options: ListOptions) {
    const folder = confine(this.base, path ?? '', where, true)
    if (!lstatSync(folder.absolute, { throwIfNoEntry: false })?.isDirectory()) throw new HttpError(404, `${where}: "${folder.relative}" is not a folder of the store`)
    const items: FileInfo[] = []
    let offset = 0
    const walk = (absolute: string, relative: string): boolean => {
      for (const entry of readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`
        if (entry.isDirectory()) {
          if (options.recursive && walk(join(absolute, entry.name), entryRelative)) return true
          continue
        }
        if (!entry.isFile() || entry.name.startsWith(UPLOAD_PREFIX)) continue
        if (options.pattern !== undefined && !options.pattern.match(entryRelative)) continue
        if (offset++ < options.start) continue
        items.push(this.infoOf(entryRelative, join(absolute, entry.name), lstatSync(join(absolute, entry.name))))
        if (items.length >= options.limit) return true
      }
      return false
    }
    const more = walk(folder.absolute, folder.relative)
    return { items, count: items.length, next_token: more ? String(offset) : null }
  }

  /** Opens a regular file to read, never through a link: 404 when it is not there. */
  private openFile(absolute: string, relative: string, where: string): number {
    let fd: number
    try {
      fd = openSync(absolute, constants.O_RDONLY | constants.O_NOFOLLOW)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new HttpError(404, `${where}: no file "${relative}" in the store`)
      if (code === 'ELOOP') throw invalidInput(`${where}: "${relative}" is a symbolic link, which the store does not follow`)
      throw error
    }
    if (!fstatSync(fd).isFile()) {
      closeSync(fd)
      throw invalidInput(`${where}: "${relative}" is not a file`)
    }
    return fd
  }

  private infoOf(relative: string, absolute: string, stat: { size: number; mtime: Date }): FileInfo {
    return { path: relative, url: pathToFileURL(absolute).href, size: stat.size, content_type: contentTypeOf(relative), modified_at: stat.mtime.toISOString() }
  }
}
