// Turns generated tokens into text pieces as they come: what transformers.js's
// TextStreamer gives (a piece at each space, newline or CJK character; the rest
// at the end), with the same text. TextStreamer decodes every token cached
// since the last newline on every step, which grows quadratically over a long
// paragraph (measured: 2,000 tokens without a newline ran at ~40% of the
// generation's own speed). This one drops cached tokens whose text is already
// out, once the text provably splits there, so each step decodes a short tail.

type Ids = bigint[]

export interface PieceStreamerOptions {
  decode: (ids: Ids) => string
  specialIds: ReadonlySet<bigint>
  onPiece: (text: string) => void
  onToken?: () => void
}

/** Cached tokens past which a rebase is tried. */
const REBASE_AT = 48

const isCjk = (cp: number) =>
  (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0x3400 && cp <= 0x4dbf) ||
  (cp >= 0x20000 && cp <= 0x2a6df) ||
  (cp >= 0x2a700 && cp <= 0x2b73f) ||
  (cp >= 0x2b740 && cp <= 0x2b81f) ||
  (cp >= 0x2b820 && cp <= 0x2ceaf) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0x2f800 && cp <= 0x2fa1f)

export class PieceStreamer {
  private cache: Ids = []
  /** Characters of decode(cache) already given out. */
  private printed = 0
  private prompt = true

  constructor(private readonly options: PieceStreamerOptions) {}

  /** Called by generate() with each step's tokens; the first call is the prompt. */
  put(value: Ids[]): void {
    if (value.length > 1) throw new Error('streaming needs batch_size: 1')
    if (this.prompt) {
      this.prompt = false
      return
    }
    const ids = value[0]!
    this.options.onToken?.()
    if (ids.length === 1 && this.options.specialIds.has(ids[0]!)) return // special tokens are skipped
    this.cache.push(...ids)
    const text = this.options.decode(this.cache)
    let piece: string
    if (text.endsWith('\n')) {
      piece = text.slice(this.printed)
      this.cache = []
      this.printed = 0
    } else if (text.length > 0 && isCjk(text.charCodeAt(text.length - 1))) {
      piece = text.slice(this.printed)
      this.printed += piece.length
    } else {
      piece = text.slice(this.printed, text.lastIndexOf(' ') + 1)
      this.printed += piece.length
    }
    if (piece) this.options.onPiece(piece)
    if (this.cache.length >= REBASE_AT) this.rebase(text)
  }

  end(): void {
    if (this.cache.length > 0) {
      const piece = this.options.decode(this.cache).slice(this.printed)
      if (piece) this.options.onPiece(piece)
    }
    this.cache = []
    this.printed = 0
    this.prompt = true
  }

  /**
   * Drops a head of the cache whose text is entirely given out, where the
   * decoded text splits cleanly (head + tail = whole: no character cut in two,
   * no leading space a decoder would strip from the tail).
   */
  private rebase(text: string): void {
    const half = this.cache.length >> 1
    for (const at of [half, half - 1, half + 1, half - 2, half + 2]) {
      const head = this.options.decode(this.cache.slice(0, at))
      if (head.length > this.printed) continue
      if (head + this.options.decode(this.cache.slice(at)) !== text) continue
      this.cache = this.cache.slice(at)
      this.printed -= head.length
      return
    }
  }
}
