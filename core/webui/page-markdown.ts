// The page's markdown renderer (browser code, as text the page inlines): a
// small CommonMark subset — headings, paragraphs, lists, fenced code, quotes,
// tables, rules, **bold**, *italic*, `code`, ~~strike~~ and links. It is safe
// by construction: the text is HTML-escaped first and only the renderer's own
// tags are added, so raw HTML in an answer shows as text and never runs; links
// keep only http(s), mailto, relative and #anchors targets. No library: the
// page is self-contained (mc runs offline) and none is installed for it.

export const MARKDOWN_SCRIPT = String.raw`
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
}

const SAFE_HREF = /^(https?:|mailto:|\/|#|\.\.?\/)/i

// Inline marks on escaped text; code spans are set aside first so nothing inside them is marked.
function inlineMarkdown(escaped) {
  const codes = []
  let text = escaped.replace(/(\x60+)([^\x60]|[^\x60][\s\S]*?[^\x60])\1(?!\x60)/g, (_, _ticks, code) => '\u0000' + (codes.push('<code>' + code.trim() + '</code>') - 1) + '\u0000')
  text = text
    .replace(/!?\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+&quot;[^)]*&quot;)?\)/g, (whole, label, href) => {
      const target = href.replace(/&amp;/g, '&')
      return SAFE_HREF.test(target) ? '<a href="' + href + '" target="_blank" rel="noopener noreferrer">' + (label || href) + '</a>' : label
    })
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>')
  return text.replace(/\u0000(\d+)\u0000/g, (_, i) => codes[Number(i)])
}

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/
const cellsOf = (row) => row.trim().replace(/^\||\|$/g, '').split('|').map((cell) => inlineMarkdown(escapeHtml(cell.trim())))

function markdownToHtml(source) {
  const lines = String(source).replace(/\r\n?/g, '\n').split('\n')
  const out = []
  let paragraph = []
  const flush = () => {
    if (paragraph.length) out.push('<p>' + paragraph.map((l) => inlineMarkdown(escapeHtml(l.trim()))).join('<br>') + '</p>')
    paragraph = []
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = line.match(/^\s*(\x60{3,}|~{3,})\s*([\w+-]*)/)
    if (fence) {
      flush()
      const code = []
      while (++i < lines.length && !lines[i].trim().startsWith(fence[1])) code.push(lines[i])
      out.push('<pre><code' + (fence[2] ? ' class="language-' + escapeHtml(fence[2]) + '"' : '') + '>' + escapeHtml(code.join('\n')) + '</code></pre>')
      continue
    }
    const heading = line.match(/^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/)
    if (heading) { flush(); out.push('<h' + heading[1].length + '>' + inlineMarkdown(escapeHtml(heading[2])) + '</h' + heading[1].length + '>'); continue }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) { flush(); out.push('<hr>'); continue }
    if (/^\s{0,3}>/.test(line)) {
      flush()
      const quoted = []
      for (; i < lines.length && /^\s{0,3}>/.test(lines[i]); i++) quoted.push(lines[i].replace(/^\s{0,3}>\s?/, ''))
      i--
      out.push('<blockquote>' + markdownToHtml(quoted.join('\n')) + '</blockquote>')
      continue
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1])) {
      flush()
      const head = cellsOf(line)
      const rows = []
      for (i += 2; i < lines.length && lines[i].includes('|') && lines[i].trim(); i++) rows.push(cellsOf(lines[i]))
      i--
      out.push('<table><thead><tr>' + head.map((c) => '<th>' + c + '</th>').join('') + '</tr></thead><tbody>' + rows.map((r) => '<tr>' + r.map((c) => '<td>' + c + '</td>').join('') + '</tr>').join('') + '</tbody></table>')
      continue
    }
    if (LIST_ITEM.test(line)) {
      flush()
      const items = []
      for (; i < lines.length; i++) {
        const item = lines[i].match(LIST_ITEM)
        if (item) items.push({ depth: item[1].length, ordered: /\d/.test(item[2]), text: item[3] })
        else if (lines[i].trim() && items.length && /^\s+/.test(lines[i])) items[items.length - 1].text += ' ' + lines[i].trim()
        else break
      }
      i--
      out.push(listHtml(items, 0))
      continue
    }
    if (!line.trim()) { flush(); continue }
    paragraph.push(line)
  }
  flush()
  return out.join('\n')
}

// Items deeper than the first one's indent nest under the item before them.
function listHtml(items, from) {
  const depth = items[from].depth
  const tag = items[from].ordered ? 'ol' : 'ul'
  let html = '<' + tag + '>'
  let i = from
  while (i < items.length && items[i].depth >= depth) {
    html += '<li>' + inlineMarkdown(escapeHtml(items[i].text))
    let next = i + 1
    if (next < items.length && items[next].depth > depth) {
      html += listHtml(items, next)
      while (next < items.length && items[next].depth > depth) next++
    }
    html += '</li>'
    i = next
  }
  return html + '</' + tag + '>'
}
`
